<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="ar">
<context>
    <name>AdminDialog</name>
    <message>
        <source>Refresh</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>AdminMenu</name>
    <message>
        <source>Administration</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Users…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Create users, change roles, disable users</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Audit log…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Who did what, when and from where</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Stream quotas…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Each agency&apos;s limit of open streams</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>Administration</name>
    <message>
        <source>Operator</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Supervisor</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Administrator</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Success</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Denied</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Failed</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Error</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The backend is not connected; see the status bar.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The backend does not answer. Its state is shown in the status bar.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The backend&apos;s answer was not understood (is it a different version?).</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The backend refused the request (HTTP {0}).</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>AgencyMeterWidget</name>
    <message>
        <source>Last known figures: the stream quota service does not answer.</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>AnnotationDialog</name>
    <message>
        <source>Add annotation</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Edit annotation</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Time</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>What happens here</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Text</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>AuditLogDialog</name>
    <message>
        <source>Audit log</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>any user</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>any action</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Any outcome</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>text in user, action, target or details</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>From</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>To</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Search</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>User</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Action</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Outcome</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Text</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Older entries</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Newest {0} entries shown; older ones exist.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>{0} entries.</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>AuditLogViewModel</name>
    <message>
        <source>Time</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>User</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Action</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Target</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Outcome</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>HTTP</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>From</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Details</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Choose an outcome.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The start of the time range must be before its end.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>(anonymous)</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>BackendStatusViewModel</name>
    <message>
        <source>bundled</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Backend: none configured (recording unavailable)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Backend: starts after the XProtect login</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Backend: starting…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Backend: connecting to {0}…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Backend: connected</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>check {0} fails</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Backend: {0}</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Backend: live events disconnected; reconnecting…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>{0}: {1}</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Backend unreachable ({0}); retrying…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Backend log-in refused: {0}</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Backend could not be started; retrying…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Backend at {0} cannot be used; retrying…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Reason: {0}</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>bundled (started by this application)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>remote</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Backend {0}: {1}</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>operator</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>supervisor</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>administrator</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Signed in as {0} ({1})</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Cameras known to the backend: {0}</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Live events: connected</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Live events: reconnecting</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>CameraTreeModel</name>
    <message>
        <source>Cameras</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Other cameras</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Recording server {0}: {1} cameras</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>online</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>offline, reconnecting</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>no permission</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>disabled</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>{0} ({1})</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>{0}, recording now</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>CameraTreePanel</name>
    <message>
        <source>Search cameras</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>View recordings</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Open the timeline and the player for the selected camera</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Cameras found: {0} of {1}</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Cameras: {0}</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>ClipDialog</name>
    <message>
        <source>Create clip</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Why this footage must be kept</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Title</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Reason</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>A clip needs a title.</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>DetectionCards</name>
    <message>
        <source>No picture</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Loading…</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>DetectionSearch</name>
    <message>
        <source>Last hour</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Last 24 hours</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Last 7 days</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Custom range</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Choose a time range.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Choose the start and the end of the range.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The end of the range must be after its start.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The minimum score is a percentage from 0 to 100.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>A class name has at most {0} characters.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Double-click or press Enter to play the recording at this moment.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Detections need the backend, which is not connected.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Your user may not view detections.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Unknown camera</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Searching…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>No detections match these filters.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Newest {0} detections shown; older ones exist.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>1 detection.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>{0} detections.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Detected {0} ({1}) on {2} at {3}</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The backend sent a picture that cannot be read.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The thumbnail could not be loaded.</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>DetectionSearchPanel</name>
    <message>
        <source>Load more</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>List older detections with the same filters</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Open</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Play the recording at the selected detection (Enter)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>any class</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source> %</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Only detections at least this sure</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Search</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Search again now (a relative range then ends now)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Camera</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Class</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Min. score</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Time</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>From</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>To</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>All cameras</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>Evidence</name>
    <message>
        <source>Select a time range on the timeline first (Shift+drag).</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>An annotation needs a text.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Annotation added.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Annotation changed.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Annotation deleted.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Range tagged on {0} camera(s).</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Clip “{0}” kept ({1} segments).</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Incident “{0}” created.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>This needs the backend, which is not connected.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The backend does not answer; try again in a moment.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The backend does not know this camera yet.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>{0}, {1}</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Tag: {0} (by {1})</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>EvidenceBar</name>
    <message>
        <source>Export…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Create clip…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Tag range…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>New incident…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Selection: {0}</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>In point set; press O at the end of the range.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Shift+drag on the timeline (or I / O) to select a range.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Delete annotation</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Delete this annotation?

{0}</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Add annotation here…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Edit annotation…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Clear selection</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>EvidenceDialog</name>
    <message>
        <source>Cameras</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Range</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>EvidenceMenu</name>
    <message>
        <source>Evidence</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Exports…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Your evidence exports: progress, packages, expiry</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Tags…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Define the tags, their colours and categories</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>ExportDialog</name>
    <message>
        <source>Export evidence</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Cameras</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Range</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Why this footage is exported (required)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Reason</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Blur faces (slower: the video is re-encoded)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Start export</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Save package…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Open folder</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Cancel export</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Stop the export; nothing of it is kept</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>All exports…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Your earlier exports: progress, packages, expiry</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Close</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Save the export package</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>ZIP package (*.zip)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Downloading… {0} of {1} MB</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Saved to {0}; its SHA-256 matches the export&apos;s.</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>ExportJob</name>
    <message>
        <source>Waiting to start…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Exporting…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Completed.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Failed.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Cancelled.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Expired: the package was removed.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The export is not complete yet.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The downloaded package does not match its SHA-256; it was discarded.</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>ExportsDialog</name>
    <message>
        <source>Exports</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>State</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Cameras</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Range</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Reason</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Size</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Created</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Expires</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Everyone&apos;s exports</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Show the exports of every user, not only yours</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Refresh</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Load more</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Cancel export</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Save package…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Delete package…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Close</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Save the export package</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>ZIP package (*.zip)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Delete export package</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Delete the package of this export now, before it expires?

{0}
{1}

The record stays in the list and in the audit log.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Saved to {0}; its SHA-256 matches the export&apos;s.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>SHA-256 {0}</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Downloading… {0} of {1} MB</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>ExportsList</name>
    <message>
        <source>Loading…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>No exports yet.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source> (more available)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>{0} exports shown{1}.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>{0} {1} %</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>{0} MB</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Export cancelled.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Export package deleted.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Saved to {0}; its SHA-256 matches the export&apos;s.</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>IncidentDialog</name>
    <message>
        <source>New incident</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>User name (optional)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Title</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Description</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Severity</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Assignee</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Tags</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>An incident needs a title.</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>Incidents</name>
    <message>
        <source>Low</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Medium</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>High</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Critical</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Open</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Investigating</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Resolved</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Closed</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Searching…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>No incidents match.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>{0} of {1} incidents.</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>IncidentsPanel</name>
    <message>
        <source>Search incidents (any words, English or Arabic)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Any severity</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Any status</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Any camera</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Any tag</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Load more</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Incident</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Save changes</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Open in player</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Description</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Severity</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Status</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Assignee</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Tags</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>{0} · from {1} · cameras: {2} · by {3}</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>LoginDialog</name>
    <message>
        <source>Log in to XProtect</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Management server of the site you want to watch.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>https://vms.example.com</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>user name</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Remember the password on this computer</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Log in</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Server</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>User</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Password</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Logging in…</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>LoginViewModel</name>
    <message>
        <source>Enter the address of the XProtect management server.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Enter a user name.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Enter the password.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The user name or password is wrong.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The secure connection to {0} failed: its certificate is not trusted or does not match the address.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The server {0} cannot be reached. Check the address and the network.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>This user may not log in to {0}.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>{0} did not answer like an XProtect management server (protocol error).</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Login failed: {0}.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The password cannot be remembered: no system keyring is available on this computer.</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>MainViewModel</name>
    <message>
        <source>Not connected</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Connecting…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Connected to {0} as {1}</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Select a camera in the tree or on the wall, then choose View recordings.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>This detection&apos;s camera is not in this XProtect server&apos;s camera list.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The settings could not be saved: {0}</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>MainWindow</name>
    <message>
        <source>Control Room — Live</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Cameras</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Recording</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Detections</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Incidents</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Wall</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Log in…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Layout</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Show the wall as {0}</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>More</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Larger walls</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>View recordings</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Timeline and player of the selected camera</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Wall recordings</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Play back every camera of the wall in sync</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Live</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Close the recordings and show the live wall</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Control Room — Recordings</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Search what the backend&apos;s detectors found</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Search and edit incidents ({0})</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Switch server…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Live tiles: {0} of {1}</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>PlaybackDetections</name>
    <message>
        <source>Choose at least one class of detections.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Nothing was detected on these cameras in this range.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>No later detection of {0} in this range.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>No earlier detection of {0} in this range.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The detections are still loading.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>No detections for these cameras: they need the backend.</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>PlaybackPanel</name>
    <message>
        <source>Recordings: {0}</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Recordings</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>No recording at this time.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Loading…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Save snapshot</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>PNG image (*.png)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>JPEG image (*.jpg)</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>PlaybackTexts</name>
    <message>
        <source>Playback failed.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>There is no picture to save.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The snapshot could not be saved: {0}</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Snapshot saved: {0}</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Not connected to XProtect: log in to see recordings.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Nothing is recorded in this range.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The camera was offline.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The recording server was down.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The agency&apos;s stream quota was full.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The recording could not be uploaded.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Nothing was recorded.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>recorded in XProtect</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>recorded by the backend</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>recorded in XProtect and by the backend</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>recorded</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>recording</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>stopping</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>finished</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>failed</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The backend does not answer; the recordings cannot be listed now.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The backend&apos;s answer was not understood (is it a different version?).</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The backend refused the request (HTTP {0}).</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>XProtect refused the login token.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Your user may not play back this camera.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The recording server does not know this camera.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The recording server&apos;s certificate is not trusted.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The recording server cannot be reached.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The recording server answered something unexpected.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The recordings could not be read from XProtect.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The recording cannot be reached.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The recording server refused the login token.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>A recorded segment no longer exists.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The recording store refused access to a segment.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>A recorded segment cannot be read now.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>A recorded segment is damaged.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The recording could not be decoded.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Select a camera in the tree or on the wall, then choose View recordings.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The end of the range must be after its start.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Choose a range of at most {0} days.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The backend does not answer; detections cannot be read now.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Detections need the backend, which is not connected.</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>PlayerWidget</name>
    <message>
        <source>Recordings</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>QuotaMeterViewModel</name>
    <message>
        <source>{0}/{1}</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>{0}: {1} of {2} live streams in use, {3} free</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>QuotaTexts</name>
    <message>
        <source>Dubai Police</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Metro</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Bus</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Other</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>{0}: {1} of {2} streams in use</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The stream quota of {0} is used up.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>quota not checked</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>over the stream quota</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The backend is not connected; the stream quota is checked later.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The backend cannot be reached; the stream quota is checked later.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The backend did not answer in time; the stream quota is checked later.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The backend is still importing this camera; the stream quota is checked then.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The stream quota could not be checked; retrying.</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>RangeBar</name>
    <message>
        <source>Start of the range (local time)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>End of the range (local time)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Show</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>List the recordings of this range</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>1 h</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>24 h</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>7 days</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The last {0}, following now</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Follow now</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Keep the timeline&apos;s right edge at the current time</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>From</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>to</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>RecordingPanel</name>
    <message>
        <source>time left</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Duration</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Start recording</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Stop recording</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>{0} min</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Record {0} minutes longer</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>No camera is recording.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>No camera selected</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Not recording</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Starting…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>● Recording</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Stopping…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Extending…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Custom…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source> s</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source> min</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Custom duration: {0} to {1}</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Elapsed {0} of {1}</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Ends at {0}</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>RECORDING NOW: {0}</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>RecordingTracker</name>
    <message>
        <source>Recording started: {0} for {1}.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Recording stopped: {0} ({1}).</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>RecordingViewModel</name>
    <message>
        <source>Select a camera in the tree or on the wall.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>This camera is disabled in XProtect.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Recording needs the backend, and none is configured.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The backend is not connected; see the status bar.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Your account may not record.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The backend is still importing the cameras from XProtect…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>This camera is not in the backend yet; an administrator can import it.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Recording of {0} extended to {1}.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>{0} s</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>{0} min {1} s</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>{0} h</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>{0} h {1} min</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>{0} min</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>stopped by an operator</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>the chosen duration ended</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>its end passed while the backend was down</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>stopped by an error</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>stopped</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The backend does not answer. Its state is shown in the status bar; try again soon.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The backend&apos;s answer was not understood (is it a different version?).</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The backend refused the request (HTTP {0}).</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>{0} Time left: {1}.</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>StreamLimitsViewModel</name>
    <message>
        <source>Agency</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Limit</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>In use</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Available</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>An agency name has 1 to 32 letters, digits or underscores.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>A limit is between 0 and {0} streams.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The limit of {0} is now {1} streams.</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>StreamQuotasDialog</name>
    <message>
        <source>Stream quotas</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Each agency may open at most its limit of streams at once (live tiles and recordings).</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>agency</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source> streams</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Set limit</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Agency</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Limit</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>TagPicker</name>
    <message>
        <source>No tags are defined yet.</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>TagRangeDialog</name>
    <message>
        <source>Tag range</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Choose a tag or type a new one</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Tag</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Colour of a new tag</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Choose a tag or type a new one.</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>Tags</name>
    <message>
        <source>Uncategorised</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>A tag needs a name.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Tag “{0}” created.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>That tag no longer exists.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Tag changed.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Tag deleted.</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>TagsDialog</name>
    <message>
        <source>Tags</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Tag</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Colour</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Created by</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Name, e.g. “Vehicle”</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Category (optional), e.g. “Traffic”</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Name</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Category</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>New tag</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Delete…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Save</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Close</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Created {0}</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Loading…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>No tags are defined yet.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>{0} tags.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Changing tags needs the “incidents” permission.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Create</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Edit tag</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Tag colour</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Delete tag</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Delete the tag “{0}”? It is also removed from every tagged range and incident.</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>TaskRunner</name>
    <message>
        <source>An internal error occurred: {0}</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>TileViewModel</name>
    <message>
        <source>connecting</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>live</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>reconnecting</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>no permission</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>authentication failed</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>stopped</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>the recording server&apos;s certificate is not trusted</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>the recording server cannot be reached</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>the video stream was interrupted</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>the recording server does not know this camera</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>the recording server refused the login token</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>your user may not view this camera</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>the connection to the recording server was lost</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>TimeSelection</name>
    <message>
        <source>{0} – {1} ({2})</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>TimelineLegend</name>
    <message>
        <source>Recorded in XProtect</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Recorded by the backend</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Motion</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Manual recording</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Camera offline</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Recording server down</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Quota full</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Upload failed</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>No recording</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Detections (a row per class)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Notes and tags (▼ annotation, bar: tag)</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>TimelineViewModel</name>
    <message>
        <source>Loading…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Recorded: {0}</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Not available for playback yet.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>No recording {0} ({1})</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Motion</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Manual recording session ({0})</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>No {0} detected at this time.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>{0}: 1 detection</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>{0}: {1} detections</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>At {0}</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>From {0} to {1}</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Best score: {0}</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Only the newest detections of this range are shown.</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>TimelineWidget</name>
    <message>
        <source>Notes and tags</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Detections</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Loading…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Nothing is recorded in this range.</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>TransportBar</name>
    <message>
        <source>Previous sequence (Page Up)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>One frame back (,)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Play backwards (J)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Play or pause (Space)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>One frame forward (.)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Next sequence (Page Down)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Playback speed (J and L change it)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Skip gaps</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Jump over time without recording instead of showing it</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Time of the picture shown (local time)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Save a snapshot of the picture (S)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Full screen (F; Esc to leave)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Back to live</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Close the recordings and show these cameras live again</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Previous detection of the chosen classes (Shift+N)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Next detection of the chosen classes (N)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Classes of detections to jump between and to box over the video</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Show the detection boxes over the video (B)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Pause (Space or K)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Play (Space or L)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>paused</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>No detections</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>All classes</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>No class</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>UsersDialog</name>
    <message>
        <source>Users</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Disabling a user or resetting a password ends that user&apos;s sessions at once.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>user name</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>optional</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Create user</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>New user</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>User name</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Display name</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Role</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Password</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Change role</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Disable</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>new password</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Reset password</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Selected user</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Access</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Select a user in the table.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Enable</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>UsersViewModel</name>
    <message>
        <source>User</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Display name</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Role</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Status</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Last log-in</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Password changed</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Disabled</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Locked until {0}</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Enabled</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Enter a user name.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Enter a password for the new user.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Choose a role.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>User {0} created ({1}).</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>{0} is now: {1}.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>{0} is disabled; their sessions have ended.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>{0} is enabled again.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Enter the new password.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The password of {0} was reset; their sessions have ended.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>{0} (you)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>never</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>VideoTile</name>
    <message>
        <source>Retry</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Ask for a stream slot again</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Restore layout</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Maximise</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>View recordings</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Remove camera from this tile</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Drag a camera here</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Stream limit reached</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>limit reached</source>
        <translation type="unfinished"></translation>
    </message>
</context>
</TS>
