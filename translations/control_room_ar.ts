<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="ar">
<context>
    <name></name>
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
</context>
<context>
    <name>CameraTreePanel</name>
    <message>
        <source>Search cameras</source>
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
        <source>Switch server…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Live tiles: {0} of {1}</source>
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
        <source>the connection to the recording server was lost</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>VideoTile</name>
    <message>
        <source>Restore layout</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Maximise</source>
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
</context>
</TS>
