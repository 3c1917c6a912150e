<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="ar">
<context>
    <name>AdminDialog</name>
    <message>
        <source>Refresh</source>
        <translation>تحديث</translation>
    </message>
</context>
<context>
    <name>AdminMenu</name>
    <message>
        <source>Administration</source>
        <translation>الإدارة</translation>
    </message>
    <message>
        <source>Users…</source>
        <translation>المستخدمون…</translation>
    </message>
    <message>
        <source>Create users, change roles, disable users</source>
        <translation>إنشاء المستخدمين وتغيير أدوارهم وتعطيلهم</translation>
    </message>
    <message>
        <source>Audit log…</source>
        <translation>سجل التدقيق…</translation>
    </message>
    <message>
        <source>Who did what, when and from where</source>
        <translation>من فعل ماذا، ومتى، ومن أين</translation>
    </message>
    <message>
        <source>Stream quotas…</source>
        <translation>حصص البث…</translation>
    </message>
    <message>
        <source>Each agency&apos;s limit of open streams</source>
        <translation>الحد الأقصى لدفقات البث المفتوحة لكل جهة</translation>
    </message>
</context>
<context>
    <name>Administration</name>
    <message>
        <source>Operator</source>
        <translation>مشغّل</translation>
    </message>
    <message>
        <source>Supervisor</source>
        <translation>مشرف</translation>
    </message>
    <message>
        <source>Administrator</source>
        <translation>مسؤول النظام</translation>
    </message>
    <message>
        <source>Success</source>
        <translation>نجاح</translation>
    </message>
    <message>
        <source>Denied</source>
        <translation>رفض</translation>
    </message>
    <message>
        <source>Failed</source>
        <translation>فشل</translation>
    </message>
    <message>
        <source>Error</source>
        <translation>خطأ</translation>
    </message>
    <message>
        <source>The backend is not connected; see the status bar.</source>
        <translation>الخادم الخلفي غير متصل؛ راجع شريط الحالة.</translation>
    </message>
    <message>
        <source>The backend does not answer. Its state is shown in the status bar.</source>
        <translation>الخادم الخلفي لا يستجيب. تظهر حالته في شريط الحالة.</translation>
    </message>
    <message>
        <source>The backend&apos;s answer was not understood (is it a different version?).</source>
        <translation>تعذّر فهم ردّ الخادم الخلفي (هل هو إصدار مختلف؟).</translation>
    </message>
    <message>
        <source>The backend refused the request (HTTP {0}).</source>
        <translation>رفض الخادم الخلفي الطلب (HTTP {0}).</translation>
    </message>
</context>
<context>
    <name>AgencyMeterWidget</name>
    <message>
        <source>Last known figures: the stream quota service does not answer.</source>
        <translation>آخر الأرقام المعروفة: خدمة حصص البث لا تستجيب.</translation>
    </message>
</context>
<context>
    <name>AnnotationDialog</name>
    <message>
        <source>Add annotation</source>
        <translation>إضافة ملاحظة</translation>
    </message>
    <message>
        <source>Edit annotation</source>
        <translation>تعديل الملاحظة</translation>
    </message>
    <message>
        <source>Time</source>
        <translation>الوقت</translation>
    </message>
    <message>
        <source>What happens here</source>
        <translation>ماذا يحدث هنا</translation>
    </message>
    <message>
        <source>Text</source>
        <translation>النص</translation>
    </message>
</context>
<context>
    <name>AuditLogDialog</name>
    <message>
        <source>Audit log</source>
        <translation>سجل التدقيق</translation>
    </message>
    <message>
        <source>any user</source>
        <translation>أي مستخدم</translation>
    </message>
    <message>
        <source>any action</source>
        <translation>أي إجراء</translation>
    </message>
    <message>
        <source>Any outcome</source>
        <translation>أي نتيجة</translation>
    </message>
    <message>
        <source>text in user, action, target or details</source>
        <translation>نص في المستخدم أو الإجراء أو الهدف أو التفاصيل</translation>
    </message>
    <message>
        <source>From</source>
        <translation>من</translation>
    </message>
    <message>
        <source>To</source>
        <translation>إلى</translation>
    </message>
    <message>
        <source>Search</source>
        <translation>بحث</translation>
    </message>
    <message>
        <source>User</source>
        <translation>المستخدم</translation>
    </message>
    <message>
        <source>Action</source>
        <translation>الإجراء</translation>
    </message>
    <message>
        <source>Outcome</source>
        <translation>النتيجة</translation>
    </message>
    <message>
        <source>Text</source>
        <translation>النص</translation>
    </message>
    <message>
        <source>Older entries</source>
        <translation>إدخالات أقدم</translation>
    </message>
    <message>
        <source>Newest {0} entries shown; older ones exist.</source>
        <translation>تُعرض أحدث الإدخالات ({0})؛ وتوجد إدخالات أقدم.</translation>
    </message>
    <message>
        <source>{0} entries.</source>
        <translation>عدد الإدخالات: {0}.</translation>
    </message>
</context>
<context>
    <name>AuditLogViewModel</name>
    <message>
        <source>Time</source>
        <translation>الوقت</translation>
    </message>
    <message>
        <source>User</source>
        <translation>المستخدم</translation>
    </message>
    <message>
        <source>Action</source>
        <translation>الإجراء</translation>
    </message>
    <message>
        <source>Target</source>
        <translation>الهدف</translation>
    </message>
    <message>
        <source>Outcome</source>
        <translation>النتيجة</translation>
    </message>
    <message>
        <source>HTTP</source>
        <translation>HTTP</translation>
    </message>
    <message>
        <source>From</source>
        <translation>المصدر</translation>
    </message>
    <message>
        <source>Details</source>
        <translation>التفاصيل</translation>
    </message>
    <message>
        <source>Choose an outcome.</source>
        <translation>اختر نتيجة.</translation>
    </message>
    <message>
        <source>The start of the time range must be before its end.</source>
        <translation>يجب أن تسبق بداية النطاق الزمني نهايته.</translation>
    </message>
    <message>
        <source>(anonymous)</source>
        <translation>(مجهول)</translation>
    </message>
</context>
<context>
    <name>BackendPage</name>
    <message>
        <source>Bundled backend on this computer</source>
        <translation>الخادم الخلفي المدمج على هذا الحاسوب</translation>
    </message>
    <message>
        <source>Remote backend</source>
        <translation>خادم خلفي بعيد</translation>
    </message>
    <message>
        <source>https://backend.example.com:8443</source>
        <translation>https://backend.example.com:8443</translation>
    </message>
    <message>
        <source>empty: the token saved in the system keyring</source>
        <translation>فارغ: الرمز المحفوظ في حافظة مفاتيح النظام</translation>
    </message>
    <message>
        <source>empty: the XProtect user</source>
        <translation>فارغ: مستخدم XProtect</translation>
    </message>
    <message>
        <source>Data directory</source>
        <translation>مجلد البيانات</translation>
    </message>
    <message>
        <source>Address</source>
        <translation>العنوان</translation>
    </message>
    <message>
        <source>API token file</source>
        <translation>ملف رمز واجهة البرمجة (API)</translation>
    </message>
    <message>
        <source>Backend user</source>
        <translation>مستخدم الخادم الخلفي</translation>
    </message>
    <message>
        <source>Test connection</source>
        <translation>اختبار الاتصال</translation>
    </message>
    <message>
        <source>Backend changes apply when the application starts again.</source>
        <translation>تُطبَّق تغييرات الخادم الخلفي عند تشغيل التطبيق مرة أخرى.</translation>
    </message>
</context>
<context>
    <name>BackendStatusViewModel</name>
    <message>
        <source>bundled</source>
        <translation>مدمج</translation>
    </message>
    <message>
        <source>Backend: none configured (recording unavailable)</source>
        <translation>الخادم الخلفي: غير مُعدّ (التسجيل غير متاح)</translation>
    </message>
    <message>
        <source>Backend: starts after the XProtect login</source>
        <translation>الخادم الخلفي: يبدأ بعد تسجيل الدخول إلى XProtect</translation>
    </message>
    <message>
        <source>Backend: starting…</source>
        <translation>الخادم الخلفي: جارٍ البدء…</translation>
    </message>
    <message>
        <source>Backend: connecting to {0}…</source>
        <translation>الخادم الخلفي: جارٍ الاتصال بـ {0}…</translation>
    </message>
    <message>
        <source>Backend: connected</source>
        <translation>الخادم الخلفي: متصل</translation>
    </message>
    <message>
        <source>check {0} fails</source>
        <translation>فشل الفحص {0}</translation>
    </message>
    <message>
        <source>Backend: {0}</source>
        <translation>الخادم الخلفي: {0}</translation>
    </message>
    <message>
        <source>Backend: live events disconnected; reconnecting…</source>
        <translation>الخادم الخلفي: انقطعت الأحداث المباشرة؛ جارٍ إعادة الاتصال…</translation>
    </message>
    <message>
        <source>{0}: {1}</source>
        <translation>{0}: {1}</translation>
    </message>
    <message>
        <source>Backend unreachable ({0}); retrying…</source>
        <translation>يتعذّر الوصول إلى الخادم الخلفي ({0})؛ جارٍ إعادة المحاولة…</translation>
    </message>
    <message>
        <source>Backend log-in refused: {0}</source>
        <translation>رُفض تسجيل الدخول إلى الخادم الخلفي: {0}</translation>
    </message>
    <message>
        <source>Backend could not be started; retrying…</source>
        <translation>تعذّر تشغيل الخادم الخلفي؛ جارٍ إعادة المحاولة…</translation>
    </message>
    <message>
        <source>Backend at {0} cannot be used; retrying…</source>
        <translation>لا يمكن استخدام الخادم الخلفي على {0}؛ جارٍ إعادة المحاولة…</translation>
    </message>
    <message>
        <source>Reason: {0}</source>
        <translation>السبب: {0}</translation>
    </message>
    <message>
        <source>bundled (started by this application)</source>
        <translation>مدمج (يشغّله هذا التطبيق)</translation>
    </message>
    <message>
        <source>remote</source>
        <translation>بعيد</translation>
    </message>
    <message>
        <source>Backend {0}: {1}</source>
        <translation>الخادم الخلفي ({0}): {1}</translation>
    </message>
    <message>
        <source>operator</source>
        <translation>مشغّل</translation>
    </message>
    <message>
        <source>supervisor</source>
        <translation>مشرف</translation>
    </message>
    <message>
        <source>administrator</source>
        <translation>مسؤول النظام</translation>
    </message>
    <message>
        <source>Signed in as {0} ({1})</source>
        <translation>مسجّل الدخول باسم {0} ({1})</translation>
    </message>
    <message>
        <source>Cameras known to the backend: {0}</source>
        <translation>الكاميرات المعروفة لدى الخادم الخلفي: {0}</translation>
    </message>
    <message>
        <source>Live events: connected</source>
        <translation>الأحداث المباشرة: متصلة</translation>
    </message>
    <message>
        <source>Live events: reconnecting</source>
        <translation>الأحداث المباشرة: جارٍ إعادة الاتصال</translation>
    </message>
</context>
<context>
    <name>Calendar</name>
    <message>
        <source>AH</source>
        <translation>هـ</translation>
    </message>
</context>
<context>
    <name>CameraTreeModel</name>
    <message>
        <source>Cameras</source>
        <translation>الكاميرات</translation>
    </message>
    <message>
        <source>Other cameras</source>
        <translation>كاميرات أخرى</translation>
    </message>
    <message>
        <source>Recording server {0}: {1} cameras</source>
        <translation>خادم التسجيل {0}: عدد الكاميرات {1}</translation>
    </message>
    <message>
        <source>online</source>
        <translation>متصلة</translation>
    </message>
    <message>
        <source>offline, reconnecting</source>
        <translation>غير متصلة، جارٍ إعادة الاتصال</translation>
    </message>
    <message>
        <source>no permission</source>
        <translation>لا توجد صلاحية</translation>
    </message>
    <message>
        <source>disabled</source>
        <translation>معطّلة</translation>
    </message>
    <message>
        <source>{0} ({1})</source>
        <translation>{0} ({1})</translation>
    </message>
    <message>
        <source>{0}, recording now</source>
        <translation>{0}، قيد التسجيل الآن</translation>
    </message>
</context>
<context>
    <name>CameraTreePanel</name>
    <message>
        <source>Search cameras</source>
        <translation>البحث عن الكاميرات</translation>
    </message>
    <message>
        <source>View recordings</source>
        <translation>عرض التسجيلات</translation>
    </message>
    <message>
        <source>Open the timeline and the player for the selected camera</source>
        <translation>فتح المخطط الزمني ومشغّل الفيديو للكاميرا المحددة</translation>
    </message>
    <message>
        <source>Cameras found: {0} of {1}</source>
        <translation>الكاميرات المطابقة: {0} من {1}</translation>
    </message>
    <message>
        <source>Cameras: {0}</source>
        <translation>الكاميرات: {0}</translation>
    </message>
</context>
<context>
    <name>ClipDialog</name>
    <message>
        <source>Create clip</source>
        <translation>إنشاء مقطع</translation>
    </message>
    <message>
        <source>Why this footage must be kept</source>
        <translation>سبب وجوب الاحتفاظ بهذه اللقطات</translation>
    </message>
    <message>
        <source>Title</source>
        <translation>العنوان</translation>
    </message>
    <message>
        <source>Reason</source>
        <translation>السبب</translation>
    </message>
    <message>
        <source>A clip needs a title.</source>
        <translation>يجب أن يكون للمقطع عنوان.</translation>
    </message>
</context>
<context>
    <name>DetectionCards</name>
    <message>
        <source>No picture</source>
        <translation>لا توجد صورة</translation>
    </message>
    <message>
        <source>Loading…</source>
        <translation>جارٍ التحميل…</translation>
    </message>
</context>
<context>
    <name>DetectionSearch</name>
    <message>
        <source>Last hour</source>
        <translation>آخر ساعة</translation>
    </message>
    <message>
        <source>Last 24 hours</source>
        <translation>آخر 24 ساعة</translation>
    </message>
    <message>
        <source>Last 7 days</source>
        <translation>آخر 7 أيام</translation>
    </message>
    <message>
        <source>Custom range</source>
        <translation>نطاق مخصص</translation>
    </message>
    <message>
        <source>Choose a time range.</source>
        <translation>اختر نطاقاً زمنياً.</translation>
    </message>
    <message>
        <source>Choose the start and the end of the range.</source>
        <translation>اختر بداية النطاق ونهايته.</translation>
    </message>
    <message>
        <source>The end of the range must be after its start.</source>
        <translation>يجب أن تكون نهاية النطاق بعد بدايته.</translation>
    </message>
    <message>
        <source>The minimum score is a percentage from 0 to 100.</source>
        <translation>الحد الأدنى لدرجة الثقة نسبة مئوية من 0 إلى 100.</translation>
    </message>
    <message>
        <source>A class name has at most {0} characters.</source>
        <translation>لا يزيد طول اسم الفئة على {0} من الأحرف.</translation>
    </message>
    <message>
        <source>Double-click or press Enter to play the recording at this moment.</source>
        <translation>انقر نقراً مزدوجاً أو اضغط Enter لتشغيل التسجيل عند هذه اللحظة.</translation>
    </message>
    <message>
        <source>Detections need the backend, which is not connected.</source>
        <translation>تتطلب الاكتشافات الخادم الخلفي، وهو غير متصل.</translation>
    </message>
    <message>
        <source>Your user may not view detections.</source>
        <translation>لا يحق لمستخدمك عرض الاكتشافات.</translation>
    </message>
    <message>
        <source>Unknown camera</source>
        <translation>كاميرا غير معروفة</translation>
    </message>
    <message>
        <source>Searching…</source>
        <translation>جارٍ البحث…</translation>
    </message>
    <message>
        <source>No detections match these filters.</source>
        <translation>لا توجد اكتشافات تطابق عوامل التصفية هذه.</translation>
    </message>
    <message>
        <source>Newest {0} detections shown; older ones exist.</source>
        <translation>تُعرض أحدث الاكتشافات ({0})؛ وتوجد اكتشافات أقدم.</translation>
    </message>
    <message>
        <source>1 detection.</source>
        <translation>اكتشاف واحد.</translation>
    </message>
    <message>
        <source>{0} detections.</source>
        <translation>عدد الاكتشافات: {0}.</translation>
    </message>
    <message>
        <source>Detected {0} ({1}) on {2} at {3}</source>
        <translation>اكتُشف {0} ({1}) بالكاميرا {2} في {3}</translation>
    </message>
    <message>
        <source>The backend sent a picture that cannot be read.</source>
        <translation>أرسل الخادم الخلفي صورة تتعذّر قراءتها.</translation>
    </message>
    <message>
        <source>The thumbnail could not be loaded.</source>
        <translation>تعذّر تحميل الصورة المصغّرة.</translation>
    </message>
</context>
<context>
    <name>DetectionSearchPanel</name>
    <message>
        <source>Load more</source>
        <translation>تحميل المزيد</translation>
    </message>
    <message>
        <source>List older detections with the same filters</source>
        <translation>عرض الاكتشافات الأقدم بعوامل التصفية نفسها</translation>
    </message>
    <message>
        <source>Open</source>
        <translation>فتح</translation>
    </message>
    <message>
        <source>Play the recording at the selected detection (Enter)</source>
        <translation>تشغيل التسجيل عند الاكتشاف المحدد (Enter)</translation>
    </message>
    <message>
        <source>any class</source>
        <translation>أي فئة</translation>
    </message>
    <message>
        <source> %</source>
        <translation> %</translation>
    </message>
    <message>
        <source>Only detections at least this sure</source>
        <translation>الاكتشافات التي لا تقل درجة الثقة فيها عن هذه القيمة فقط</translation>
    </message>
    <message>
        <source>Search</source>
        <translation>بحث</translation>
    </message>
    <message>
        <source>Search again now (a relative range then ends now)</source>
        <translation>البحث مجدداً الآن (فينتهي النطاق النسبي عند اللحظة الحالية)</translation>
    </message>
    <message>
        <source>Camera</source>
        <translation>الكاميرا</translation>
    </message>
    <message>
        <source>Class</source>
        <translation>الفئة</translation>
    </message>
    <message>
        <source>Min. score</source>
        <translation>أدنى درجة ثقة</translation>
    </message>
    <message>
        <source>Time</source>
        <translation>الوقت</translation>
    </message>
    <message>
        <source>From</source>
        <translation>من</translation>
    </message>
    <message>
        <source>To</source>
        <translation>إلى</translation>
    </message>
    <message>
        <source>All cameras</source>
        <translation>جميع الكاميرات</translation>
    </message>
</context>
<context>
    <name>Evidence</name>
    <message>
        <source>Select a time range on the timeline first (Shift+drag).</source>
        <translation>حدّد نطاقاً زمنياً على المخطط الزمني أولاً (Shift+سحب).</translation>
    </message>
    <message>
        <source>An annotation needs a text.</source>
        <translation>يجب أن تحتوي الملاحظة على نص.</translation>
    </message>
    <message>
        <source>Annotation added.</source>
        <translation>أُضيفت الملاحظة.</translation>
    </message>
    <message>
        <source>Annotation changed.</source>
        <translation>عُدّلت الملاحظة.</translation>
    </message>
    <message>
        <source>Annotation deleted.</source>
        <translation>حُذفت الملاحظة.</translation>
    </message>
    <message>
        <source>Range tagged on {0} camera(s).</source>
        <translation>وُسم النطاق (عدد الكاميرات: {0}).</translation>
    </message>
    <message>
        <source>Clip “{0}” kept ({1} segments).</source>
        <translation>حُفظ المقطع «{0}» (عدد الأجزاء: {1}).</translation>
    </message>
    <message>
        <source>Incident “{0}” created.</source>
        <translation>أُنشئت الحادثة «{0}».</translation>
    </message>
    <message>
        <source>This needs the backend, which is not connected.</source>
        <translation>يتطلب هذا الخادم الخلفي، وهو غير متصل.</translation>
    </message>
    <message>
        <source>The backend does not answer; try again in a moment.</source>
        <translation>الخادم الخلفي لا يستجيب؛ أعد المحاولة بعد لحظات.</translation>
    </message>
    <message>
        <source>The backend does not know this camera yet.</source>
        <translation>الخادم الخلفي لا يعرف هذه الكاميرا بعد.</translation>
    </message>
    <message>
        <source>{0}, {1}</source>
        <translation>{0}، {1}</translation>
    </message>
    <message>
        <source>Tag: {0} (by {1})</source>
        <translation>الوسم: {0} (بواسطة {1})</translation>
    </message>
</context>
<context>
    <name>EvidenceBar</name>
    <message>
        <source>Export…</source>
        <translation>تصدير…</translation>
    </message>
    <message>
        <source>Create clip…</source>
        <translation>إنشاء مقطع…</translation>
    </message>
    <message>
        <source>Tag range…</source>
        <translation>وسم النطاق…</translation>
    </message>
    <message>
        <source>New incident…</source>
        <translation>حادثة جديدة…</translation>
    </message>
    <message>
        <source>Selection: {0}</source>
        <translation>التحديد: {0}</translation>
    </message>
    <message>
        <source>In point set; press O at the end of the range.</source>
        <translation>حُدّدت نقطة البداية؛ اضغط O عند نهاية النطاق.</translation>
    </message>
    <message>
        <source>Shift+drag on the timeline (or I / O) to select a range.</source>
        <translation>اسحب مع Shift على المخطط الزمني (أو استخدم I / O) لتحديد نطاق.</translation>
    </message>
    <message>
        <source>Delete annotation</source>
        <translation>حذف الملاحظة</translation>
    </message>
    <message>
        <source>Delete this annotation?

{0}</source>
        <translation>هل تريد حذف هذه الملاحظة؟

{0}</translation>
    </message>
    <message>
        <source>Add annotation here…</source>
        <translation>إضافة ملاحظة هنا…</translation>
    </message>
    <message>
        <source>Edit annotation…</source>
        <translation>تعديل الملاحظة…</translation>
    </message>
    <message>
        <source>Clear selection</source>
        <translation>مسح التحديد</translation>
    </message>
</context>
<context>
    <name>EvidenceDialog</name>
    <message>
        <source>Cameras</source>
        <translation>الكاميرات</translation>
    </message>
    <message>
        <source>Range</source>
        <translation>النطاق</translation>
    </message>
</context>
<context>
    <name>EvidenceMenu</name>
    <message>
        <source>Evidence</source>
        <translation>الأدلة</translation>
    </message>
    <message>
        <source>Exports…</source>
        <translation>عمليات التصدير…</translation>
    </message>
    <message>
        <source>Your evidence exports: progress, packages, expiry</source>
        <translation>عمليات تصدير الأدلة الخاصة بك: التقدم والحزم وانتهاء الصلاحية</translation>
    </message>
    <message>
        <source>Tags…</source>
        <translation>الوسوم…</translation>
    </message>
    <message>
        <source>Define the tags, their colours and categories</source>
        <translation>تعريف الوسوم وألوانها وتصنيفاتها</translation>
    </message>
</context>
<context>
    <name>ExportDialog</name>
    <message>
        <source>Export evidence</source>
        <translation>تصدير الأدلة</translation>
    </message>
    <message>
        <source>Cameras</source>
        <translation>الكاميرات</translation>
    </message>
    <message>
        <source>Range</source>
        <translation>النطاق</translation>
    </message>
    <message>
        <source>Why this footage is exported (required)</source>
        <translation>سبب تصدير هذه اللقطات (مطلوب)</translation>
    </message>
    <message>
        <source>Reason</source>
        <translation>السبب</translation>
    </message>
    <message>
        <source>Blur faces (slower: the video is re-encoded)</source>
        <translation>تمويه الوجوه (أبطأ: يُعاد ترميز الفيديو)</translation>
    </message>
    <message>
        <source>Start export</source>
        <translation>بدء التصدير</translation>
    </message>
    <message>
        <source>Save package…</source>
        <translation>حفظ الحزمة…</translation>
    </message>
    <message>
        <source>Open folder</source>
        <translation>فتح المجلد</translation>
    </message>
    <message>
        <source>Cancel export</source>
        <translation>إلغاء التصدير</translation>
    </message>
    <message>
        <source>Stop the export; nothing of it is kept</source>
        <translation>إيقاف التصدير؛ ولن يُحتفظ بأي جزء منه</translation>
    </message>
    <message>
        <source>All exports…</source>
        <translation>جميع عمليات التصدير…</translation>
    </message>
    <message>
        <source>Your earlier exports: progress, packages, expiry</source>
        <translation>عمليات التصدير السابقة الخاصة بك: التقدم والحزم وانتهاء الصلاحية</translation>
    </message>
    <message>
        <source>Close</source>
        <translation>إغلاق</translation>
    </message>
    <message>
        <source>Save the export package</source>
        <translation>حفظ حزمة التصدير</translation>
    </message>
    <message>
        <source>ZIP package (*.zip)</source>
        <translation>حزمة ZIP (*.zip)</translation>
    </message>
    <message>
        <source>Downloading… {0} of {1} MB</source>
        <translation>جارٍ التنزيل… {0} من {1} ميغابايت</translation>
    </message>
    <message>
        <source>Saved to {0}; its SHA-256 matches the export&apos;s.</source>
        <translation>حُفظت في {0}؛ وبصمة SHA-256 الخاصة بها تطابق بصمة التصدير.</translation>
    </message>
</context>
<context>
    <name>ExportJob</name>
    <message>
        <source>Waiting to start…</source>
        <translation>في انتظار البدء…</translation>
    </message>
    <message>
        <source>Exporting…</source>
        <translation>جارٍ التصدير…</translation>
    </message>
    <message>
        <source>Completed.</source>
        <translation>اكتمل.</translation>
    </message>
    <message>
        <source>Failed.</source>
        <translation>فشل.</translation>
    </message>
    <message>
        <source>Cancelled.</source>
        <translation>أُلغي.</translation>
    </message>
    <message>
        <source>Expired: the package was removed.</source>
        <translation>انتهت الصلاحية: أُزيلت الحزمة.</translation>
    </message>
    <message>
        <source>Camera %1 of %2: copying footage</source>
        <translation>الكاميرا %1 من %2: نسخ اللقطات</translation>
    </message>
    <message>
        <source>Camera %1 of %2: computing checksums</source>
        <translation>الكاميرا %1 من %2: حساب المجاميع الاختبارية</translation>
    </message>
    <message>
        <source>Camera %1 of %2: blurring faces</source>
        <translation>الكاميرا %1 من %2: تمويه الوجوه</translation>
    </message>
    <message>
        <source>Waiting to start</source>
        <translation>بانتظار البدء</translation>
    </message>
    <message>
        <source>Starting</source>
        <translation>جارٍ البدء</translation>
    </message>
    <message>
        <source>Writing the package and its manifest</source>
        <translation>كتابة الحزمة وبيانها</translation>
    </message>
    <message>
        <source>Completed</source>
        <translation>اكتمل</translation>
    </message>
    <message>
        <source>Failed</source>
        <translation>فشل</translation>
    </message>
    <message>
        <source>Cancelled</source>
        <translation>أُلغي</translation>
    </message>
    <message>
        <source>Expired</source>
        <translation>انتهت صلاحيته</translation>
    </message>
    <message>
        <source>Removed</source>
        <translation>أُزيل</translation>
    </message>
    <message>
        <source>The export is not complete yet.</source>
        <translation>لم يكتمل التصدير بعد.</translation>
    </message>
    <message>
        <source>The downloaded package does not match its SHA-256; it was discarded.</source>
        <translation>الحزمة المنزَّلة لا تطابق بصمة SHA-256 الخاصة بها؛ لذا استُبعدت.</translation>
    </message>
</context>
<context>
    <name>ExportsDialog</name>
    <message>
        <source>Exports</source>
        <translation>عمليات التصدير</translation>
    </message>
    <message>
        <source>State</source>
        <translation>الحالة</translation>
    </message>
    <message>
        <source>Cameras</source>
        <translation>الكاميرات</translation>
    </message>
    <message>
        <source>Range</source>
        <translation>النطاق</translation>
    </message>
    <message>
        <source>Reason</source>
        <translation>السبب</translation>
    </message>
    <message>
        <source>Size</source>
        <translation>الحجم</translation>
    </message>
    <message>
        <source>Created</source>
        <translation>تاريخ الإنشاء</translation>
    </message>
    <message>
        <source>Expires</source>
        <translation>تاريخ الانتهاء</translation>
    </message>
    <message>
        <source>Everyone&apos;s exports</source>
        <translation>عمليات تصدير الجميع</translation>
    </message>
    <message>
        <source>Show the exports of every user, not only yours</source>
        <translation>عرض عمليات التصدير لجميع المستخدمين، وليس عملياتك فقط</translation>
    </message>
    <message>
        <source>Refresh</source>
        <translation>تحديث</translation>
    </message>
    <message>
        <source>Load more</source>
        <translation>تحميل المزيد</translation>
    </message>
    <message>
        <source>Cancel export</source>
        <translation>إلغاء التصدير</translation>
    </message>
    <message>
        <source>Save package…</source>
        <translation>حفظ الحزمة…</translation>
    </message>
    <message>
        <source>Delete package…</source>
        <translation>حذف الحزمة…</translation>
    </message>
    <message>
        <source>Close</source>
        <translation>إغلاق</translation>
    </message>
    <message>
        <source>Save the export package</source>
        <translation>حفظ حزمة التصدير</translation>
    </message>
    <message>
        <source>ZIP package (*.zip)</source>
        <translation>حزمة ZIP (*.zip)</translation>
    </message>
    <message>
        <source>Delete export package</source>
        <translation>حذف حزمة التصدير</translation>
    </message>
    <message>
        <source>Delete the package of this export now, before it expires?

{0}
{1}

The record stays in the list and in the audit log.</source>
        <translation>هل تريد حذف حزمة هذا التصدير الآن، قبل انتهاء صلاحيتها؟

{0}
{1}

يبقى السجل في القائمة وفي سجل التدقيق.</translation>
    </message>
    <message>
        <source>Saved to {0}; its SHA-256 matches the export&apos;s.</source>
        <translation>حُفظت في {0}؛ وبصمة SHA-256 الخاصة بها تطابق بصمة التصدير.</translation>
    </message>
    <message>
        <source>SHA-256 {0}</source>
        <translation>SHA-256 {0}</translation>
    </message>
    <message>
        <source>Downloading… {0} of {1} MB</source>
        <translation>جارٍ التنزيل… {0} من {1} ميغابايت</translation>
    </message>
</context>
<context>
    <name>ExportsList</name>
    <message>
        <source>Loading…</source>
        <translation>جارٍ التحميل…</translation>
    </message>
    <message>
        <source>No exports yet.</source>
        <translation>لا توجد عمليات تصدير بعد.</translation>
    </message>
    <message>
        <source> (more available)</source>
        <translation> (يتوفر المزيد)</translation>
    </message>
    <message>
        <source>{0} exports shown{1}.</source>
        <translation>عمليات التصدير المعروضة: {0}{1}.</translation>
    </message>
    <message>
        <source>{0} {1} %</source>
        <translation>{0} {1} %</translation>
    </message>
    <message>
        <source>{0} MB</source>
        <translation>{0} ميغابايت</translation>
    </message>
    <message>
        <source>Export cancelled.</source>
        <translation>أُلغي التصدير.</translation>
    </message>
    <message>
        <source>Export package deleted.</source>
        <translation>حُذفت حزمة التصدير.</translation>
    </message>
    <message>
        <source>Saved to {0}; its SHA-256 matches the export&apos;s.</source>
        <translation>حُفظت في {0}؛ وبصمة SHA-256 الخاصة بها تطابق بصمة التصدير.</translation>
    </message>
</context>
<context>
    <name>IncidentDialog</name>
    <message>
        <source>New incident</source>
        <translation>حادثة جديدة</translation>
    </message>
    <message>
        <source>User name (optional)</source>
        <translation>اسم المستخدم (اختياري)</translation>
    </message>
    <message>
        <source>Title</source>
        <translation>العنوان</translation>
    </message>
    <message>
        <source>Description</source>
        <translation>الوصف</translation>
    </message>
    <message>
        <source>Severity</source>
        <translation>الخطورة</translation>
    </message>
    <message>
        <source>Assignee</source>
        <translation>المكلَّف</translation>
    </message>
    <message>
        <source>Tags</source>
        <translation>الوسوم</translation>
    </message>
    <message>
        <source>An incident needs a title.</source>
        <translation>يجب أن يكون للحادثة عنوان.</translation>
    </message>
</context>
<context>
    <name>Incidents</name>
    <message>
        <source>Low</source>
        <translation>منخفضة</translation>
    </message>
    <message>
        <source>Medium</source>
        <translation>متوسطة</translation>
    </message>
    <message>
        <source>High</source>
        <translation>عالية</translation>
    </message>
    <message>
        <source>Critical</source>
        <translation>حرجة</translation>
    </message>
    <message>
        <source>Open</source>
        <translation>مفتوحة</translation>
    </message>
    <message>
        <source>Investigating</source>
        <translation>قيد التحقيق</translation>
    </message>
    <message>
        <source>Resolved</source>
        <translation>تمت معالجتها</translation>
    </message>
    <message>
        <source>Closed</source>
        <translation>مغلقة</translation>
    </message>
    <message>
        <source>Searching…</source>
        <translation>جارٍ البحث…</translation>
    </message>
    <message>
        <source>No incidents match.</source>
        <translation>لا توجد حوادث مطابقة.</translation>
    </message>
    <message>
        <source>{0} of {1} incidents.</source>
        <translation>الحوادث: {0} من {1}.</translation>
    </message>
</context>
<context>
    <name>IncidentsPanel</name>
    <message>
        <source>Search incidents (any words, English or Arabic)</source>
        <translation>البحث في الحوادث (أي كلمات، بالعربية أو الإنجليزية)</translation>
    </message>
    <message>
        <source>Any severity</source>
        <translation>أي درجة خطورة</translation>
    </message>
    <message>
        <source>Any status</source>
        <translation>أي حالة</translation>
    </message>
    <message>
        <source>Any camera</source>
        <translation>أي كاميرا</translation>
    </message>
    <message>
        <source>Any tag</source>
        <translation>أي وسم</translation>
    </message>
    <message>
        <source>Load more</source>
        <translation>تحميل المزيد</translation>
    </message>
    <message>
        <source>Incident</source>
        <translation>الحادثة</translation>
    </message>
    <message>
        <source>Save changes</source>
        <translation>حفظ التغييرات</translation>
    </message>
    <message>
        <source>Open in player</source>
        <translation>فتح في مشغّل الفيديو</translation>
    </message>
    <message>
        <source>Description</source>
        <translation>الوصف</translation>
    </message>
    <message>
        <source>Severity</source>
        <translation>الخطورة</translation>
    </message>
    <message>
        <source>Status</source>
        <translation>الحالة</translation>
    </message>
    <message>
        <source>Assignee</source>
        <translation>المكلَّف</translation>
    </message>
    <message>
        <source>Tags</source>
        <translation>الوسوم</translation>
    </message>
    <message>
        <source>{0} · from {1} · cameras: {2} · by {3}</source>
        <translation>{0} · من {1} · الكاميرات: {2} · بواسطة {3}</translation>
    </message>
</context>
<context>
    <name>LanguagePage</name>
    <message>
        <source>System language</source>
        <translation>لغة النظام</translation>
    </message>
    <message>
        <source>Gregorian</source>
        <translation>ميلادي</translation>
    </message>
    <message>
        <source>Hijri (Umm al-Qura)</source>
        <translation>هجري (أم القرى)</translation>
    </message>
    <message>
        <source>Language</source>
        <translation>اللغة</translation>
    </message>
    <message>
        <source>Calendar of dates</source>
        <translation>تقويم التواريخ</translation>
    </message>
    <message>
        <source>Arabic lays the windows out from right to left.</source>
        <translation>تعرض العربية النوافذ من اليمين إلى اليسار.</translation>
    </message>
</context>
<context>
    <name>LoginDialog</name>
    <message>
        <source>Log in to XProtect</source>
        <translation>تسجيل الدخول إلى XProtect</translation>
    </message>
    <message>
        <source>Management server of the site you want to watch.</source>
        <translation>خادم الإدارة للموقع الذي تريد مراقبته.</translation>
    </message>
    <message>
        <source>https://vms.example.com</source>
        <translation>https://vms.example.com</translation>
    </message>
    <message>
        <source>user name</source>
        <translation>اسم المستخدم</translation>
    </message>
    <message>
        <source>Remember the password on this computer</source>
        <translation>تذكّر كلمة المرور على هذا الحاسوب</translation>
    </message>
    <message>
        <source>Log in</source>
        <translation>تسجيل الدخول</translation>
    </message>
    <message>
        <source>Server</source>
        <translation>الخادم</translation>
    </message>
    <message>
        <source>User</source>
        <translation>المستخدم</translation>
    </message>
    <message>
        <source>Password</source>
        <translation>كلمة المرور</translation>
    </message>
    <message>
        <source>Logging in…</source>
        <translation>جارٍ تسجيل الدخول…</translation>
    </message>
</context>
<context>
    <name>LoginViewModel</name>
    <message>
        <source>Enter the address of the XProtect management server.</source>
        <translation>أدخل عنوان خادم إدارة XProtect.</translation>
    </message>
    <message>
        <source>Enter a user name.</source>
        <translation>أدخل اسم المستخدم.</translation>
    </message>
    <message>
        <source>Enter the password.</source>
        <translation>أدخل كلمة المرور.</translation>
    </message>
    <message>
        <source>The user name or password is wrong.</source>
        <translation>اسم المستخدم أو كلمة المرور غير صحيحة.</translation>
    </message>
    <message>
        <source>The secure connection to {0} failed: its certificate is not trusted or does not match the address.</source>
        <translation>فشل الاتصال الآمن بـ {0}: شهادته غير موثوقة أو لا تطابق العنوان.</translation>
    </message>
    <message>
        <source>The server {0} cannot be reached. Check the address and the network.</source>
        <translation>يتعذّر الوصول إلى الخادم {0}. تحقّق من العنوان ومن الشبكة.</translation>
    </message>
    <message>
        <source>This user may not log in to {0}.</source>
        <translation>لا يحق لهذا المستخدم تسجيل الدخول إلى {0}.</translation>
    </message>
    <message>
        <source>{0} did not answer like an XProtect management server (protocol error).</source>
        <translation>لم يستجب {0} كما يستجيب خادم إدارة XProtect (خطأ في البروتوكول).</translation>
    </message>
    <message>
        <source>Login failed: {0}.</source>
        <translation>فشل تسجيل الدخول: {0}.</translation>
    </message>
    <message>
        <source>The password cannot be remembered: no system keyring is available on this computer.</source>
        <translation>لا يمكن تذكّر كلمة المرور: لا تتوفر حافظة مفاتيح للنظام على هذا الحاسوب.</translation>
    </message>
</context>
<context>
    <name>MainViewModel</name>
    <message>
        <source>Not connected</source>
        <translation>غير متصل</translation>
    </message>
    <message>
        <source>Connecting…</source>
        <translation>جارٍ الاتصال…</translation>
    </message>
    <message>
        <source>The settings file was damaged and has been reset to the defaults; the damaged file was kept as {0}.</source>
        <translation>كان ملف الإعدادات تالفًا وأُعيد إلى القيم الافتراضية؛ حُفظ الملف التالف باسم {0}.</translation>
    </message>
    <message>
        <source>Connected to {0} as {1}</source>
        <translation>متصل بـ {0} باسم {1}</translation>
    </message>
    <message>
        <source>Select a camera in the tree or on the wall, then choose View recordings.</source>
        <translation>اختر كاميرا من الشجرة أو من الجدار، ثم اختر «عرض التسجيلات».</translation>
    </message>
    <message>
        <source>This detection&apos;s camera is not in this XProtect server&apos;s camera list.</source>
        <translation>كاميرا هذا الاكتشاف غير موجودة في قائمة كاميرات خادم XProtect هذا.</translation>
    </message>
    <message>
        <source>The settings could not be saved: {0}</source>
        <translation>تعذّر حفظ الإعدادات: {0}</translation>
    </message>
</context>
<context>
    <name>MainWindow</name>
    <message>
        <source>Control Room — Live</source>
        <translation>غرفة التحكم — البث المباشر</translation>
    </message>
    <message>
        <source>Cameras</source>
        <translation>الكاميرات</translation>
    </message>
    <message>
        <source>Recording</source>
        <translation>التسجيل</translation>
    </message>
    <message>
        <source>Detections</source>
        <translation>الاكتشافات</translation>
    </message>
    <message>
        <source>Incidents</source>
        <translation>الحوادث</translation>
    </message>
    <message>
        <source>Wall</source>
        <translation>الجدار</translation>
    </message>
    <message>
        <source>&amp;File</source>
        <translation>&amp;ملف</translation>
    </message>
    <message>
        <source>&amp;Settings…</source>
        <translation>&amp;الإعدادات…</translation>
    </message>
    <message>
        <source>Servers, language, video, tiles, recording and backend</source>
        <translation>الخوادم واللغة والفيديو والخانات والتسجيل والخادم الخلفي</translation>
    </message>
    <message>
        <source>&amp;Quit</source>
        <translation>&amp;خروج</translation>
    </message>
    <message>
        <source>Log in…</source>
        <translation>تسجيل الدخول…</translation>
    </message>
    <message>
        <source>Layout</source>
        <translation>التخطيط</translation>
    </message>
    <message>
        <source>Show the wall as {0}</source>
        <translation>عرض الجدار بتخطيط {0}</translation>
    </message>
    <message>
        <source>More</source>
        <translation>المزيد</translation>
    </message>
    <message>
        <source>Larger walls</source>
        <translation>جدران أكبر</translation>
    </message>
    <message>
        <source>View recordings</source>
        <translation>عرض التسجيلات</translation>
    </message>
    <message>
        <source>Timeline and player of the selected camera</source>
        <translation>المخطط الزمني ومشغّل الفيديو للكاميرا المحددة</translation>
    </message>
    <message>
        <source>Wall recordings</source>
        <translation>تسجيلات الجدار</translation>
    </message>
    <message>
        <source>Play back every camera of the wall in sync</source>
        <translation>تشغيل تسجيلات جميع كاميرات الجدار بشكل متزامن</translation>
    </message>
    <message>
        <source>Live</source>
        <translation>مباشر</translation>
    </message>
    <message>
        <source>Close the recordings and show the live wall</source>
        <translation>إغلاق التسجيلات وعرض الجدار المباشر</translation>
    </message>
    <message>
        <source>Control Room — Recordings</source>
        <translation>غرفة التحكم — التسجيلات</translation>
    </message>
    <message>
        <source>Search what the backend&apos;s detectors found</source>
        <translation>البحث فيما اكتشفته أدوات الكشف في الخادم الخلفي</translation>
    </message>
    <message>
        <source>Search and edit incidents ({0})</source>
        <translation>البحث في الحوادث وتعديلها ({0})</translation>
    </message>
    <message>
        <source>Switch server…</source>
        <translation>تبديل الخادم…</translation>
    </message>
    <message>
        <source>Live tiles: {0} of {1}</source>
        <translation>الخانات المباشرة: {0} من {1}</translation>
    </message>
</context>
<context>
    <name>PlaybackDetections</name>
    <message>
        <source>Choose at least one class of detections.</source>
        <translation>اختر فئة واحدة على الأقل من فئات الاكتشاف.</translation>
    </message>
    <message>
        <source>Nothing was detected on these cameras in this range.</source>
        <translation>لم يُكتشف أي شيء على هذه الكاميرات في هذا النطاق.</translation>
    </message>
    <message>
        <source>No later detection of {0} in this range.</source>
        <translation>لا يوجد اكتشاف لاحق لـ {0} في هذا النطاق.</translation>
    </message>
    <message>
        <source>No earlier detection of {0} in this range.</source>
        <translation>لا يوجد اكتشاف سابق لـ {0} في هذا النطاق.</translation>
    </message>
    <message>
        <source>The detections are still loading.</source>
        <translation>لا يزال تحميل الاكتشافات جارياً.</translation>
    </message>
    <message>
        <source>No detections for these cameras: they need the backend.</source>
        <translation>لا توجد اكتشافات لهذه الكاميرات: فهي تتطلب الخادم الخلفي.</translation>
    </message>
</context>
<context>
    <name>PlaybackPanel</name>
    <message>
        <source>Recordings: {0}</source>
        <translation>التسجيلات: {0}</translation>
    </message>
    <message>
        <source>Recordings</source>
        <translation>التسجيلات</translation>
    </message>
    <message>
        <source>No recording at this time.</source>
        <translation>لا يوجد تسجيل في هذا الوقت.</translation>
    </message>
    <message>
        <source>Loading…</source>
        <translation>جارٍ التحميل…</translation>
    </message>
    <message>
        <source>Save snapshot</source>
        <translation>حفظ اللقطة</translation>
    </message>
    <message>
        <source>PNG image (*.png)</source>
        <translation>صورة PNG (*.png)</translation>
    </message>
    <message>
        <source>JPEG image (*.jpg)</source>
        <translation>صورة JPEG (*.jpg)</translation>
    </message>
</context>
<context>
    <name>PlaybackTexts</name>
    <message>
        <source>Playback failed.</source>
        <translation>فشل التشغيل.</translation>
    </message>
    <message>
        <source>There is no picture to save.</source>
        <translation>لا توجد صورة لحفظها.</translation>
    </message>
    <message>
        <source>The snapshot could not be saved: {0}</source>
        <translation>تعذّر حفظ اللقطة: {0}</translation>
    </message>
    <message>
        <source>Snapshot saved: {0}</source>
        <translation>حُفظت اللقطة: {0}</translation>
    </message>
    <message>
        <source>Not connected to XProtect: log in to see recordings.</source>
        <translation>غير متصل بـ XProtect: سجّل الدخول لعرض التسجيلات.</translation>
    </message>
    <message>
        <source>Nothing is recorded in this range.</source>
        <translation>لا يوجد تسجيل في هذا النطاق.</translation>
    </message>
    <message>
        <source>The camera was offline.</source>
        <translation>كانت الكاميرا غير متصلة.</translation>
    </message>
    <message>
        <source>The recording server was down.</source>
        <translation>كان خادم التسجيل متوقفاً.</translation>
    </message>
    <message>
        <source>The agency&apos;s stream quota was full.</source>
        <translation>كانت حصة البث الخاصة بالجهة ممتلئة.</translation>
    </message>
    <message>
        <source>The recording could not be uploaded.</source>
        <translation>تعذّر رفع التسجيل.</translation>
    </message>
    <message>
        <source>Nothing was recorded.</source>
        <translation>لم يُسجَّل أي شيء.</translation>
    </message>
    <message>
        <source>recorded in XProtect</source>
        <translation>مسجّل في XProtect</translation>
    </message>
    <message>
        <source>recorded by the backend</source>
        <translation>مسجّل بواسطة الخادم الخلفي</translation>
    </message>
    <message>
        <source>recorded in XProtect and by the backend</source>
        <translation>مسجّل في XProtect وبواسطة الخادم الخلفي</translation>
    </message>
    <message>
        <source>recorded</source>
        <translation>مسجّل</translation>
    </message>
    <message>
        <source>recording</source>
        <translation>قيد التسجيل</translation>
    </message>
    <message>
        <source>stopping</source>
        <translation>جارٍ الإيقاف</translation>
    </message>
    <message>
        <source>finished</source>
        <translation>منتهٍ</translation>
    </message>
    <message>
        <source>failed</source>
        <translation>فشل</translation>
    </message>
    <message>
        <source>The backend does not answer; the recordings cannot be listed now.</source>
        <translation>الخادم الخلفي لا يستجيب؛ يتعذّر عرض قائمة التسجيلات الآن.</translation>
    </message>
    <message>
        <source>The backend&apos;s answer was not understood (is it a different version?).</source>
        <translation>تعذّر فهم ردّ الخادم الخلفي (هل هو إصدار مختلف؟).</translation>
    </message>
    <message>
        <source>The backend refused the request (HTTP {0}).</source>
        <translation>رفض الخادم الخلفي الطلب (HTTP {0}).</translation>
    </message>
    <message>
        <source>XProtect refused the login token.</source>
        <translation>رفض XProtect رمز تسجيل الدخول.</translation>
    </message>
    <message>
        <source>Your user may not play back this camera.</source>
        <translation>لا يحق لمستخدمك تشغيل تسجيلات هذه الكاميرا.</translation>
    </message>
    <message>
        <source>The recording server does not know this camera.</source>
        <translation>خادم التسجيل لا يعرف هذه الكاميرا.</translation>
    </message>
    <message>
        <source>The recording server&apos;s certificate is not trusted.</source>
        <translation>شهادة خادم التسجيل غير موثوقة.</translation>
    </message>
    <message>
        <source>The recording server cannot be reached.</source>
        <translation>يتعذّر الوصول إلى خادم التسجيل.</translation>
    </message>
    <message>
        <source>The recording server answered something unexpected.</source>
        <translation>أرسل خادم التسجيل رداً غير متوقع.</translation>
    </message>
    <message>
        <source>The recordings could not be read from XProtect.</source>
        <translation>تعذّرت قراءة التسجيلات من XProtect.</translation>
    </message>
    <message>
        <source>The recording cannot be reached.</source>
        <translation>يتعذّر الوصول إلى التسجيل.</translation>
    </message>
    <message>
        <source>The recording server refused the login token.</source>
        <translation>رفض خادم التسجيل رمز تسجيل الدخول.</translation>
    </message>
    <message>
        <source>A recorded segment no longer exists.</source>
        <translation>لم يعد أحد الأجزاء المسجّلة موجوداً.</translation>
    </message>
    <message>
        <source>The recording store refused access to a segment.</source>
        <translation>رفض مخزن التسجيلات الوصول إلى أحد الأجزاء.</translation>
    </message>
    <message>
        <source>A recorded segment cannot be read now.</source>
        <translation>تتعذّر قراءة أحد الأجزاء المسجّلة الآن.</translation>
    </message>
    <message>
        <source>A recorded segment is damaged.</source>
        <translation>أحد الأجزاء المسجّلة تالف.</translation>
    </message>
    <message>
        <source>The recording could not be decoded.</source>
        <translation>تعذّر فك ترميز التسجيل.</translation>
    </message>
    <message>
        <source>Select a camera in the tree or on the wall, then choose View recordings.</source>
        <translation>اختر كاميرا من الشجرة أو من الجدار، ثم اختر «عرض التسجيلات».</translation>
    </message>
    <message>
        <source>The end of the range must be after its start.</source>
        <translation>يجب أن تكون نهاية النطاق بعد بدايته.</translation>
    </message>
    <message>
        <source>Choose a range of at most {0} days.</source>
        <translation>اختر نطاقاً لا يتجاوز {0} من الأيام.</translation>
    </message>
    <message>
        <source>The backend does not answer; detections cannot be read now.</source>
        <translation>الخادم الخلفي لا يستجيب؛ تتعذّر قراءة الاكتشافات الآن.</translation>
    </message>
    <message>
        <source>Detections need the backend, which is not connected.</source>
        <translation>تتطلب الاكتشافات الخادم الخلفي، وهو غير متصل.</translation>
    </message>
</context>
<context>
    <name>PlayerWidget</name>
    <message>
        <source>Recordings</source>
        <translation>التسجيلات</translation>
    </message>
</context>
<context>
    <name>QuotaMeterViewModel</name>
    <message>
        <source>{0}/{1}</source>
        <translation>{0}/{1}</translation>
    </message>
    <message>
        <source>{0}: {1} of {2} live streams in use, {3} free</source>
        <translation>{0}: دفقات البث المباشر المستخدمة {1} من {2}، والمتاح {3}</translation>
    </message>
</context>
<context>
    <name>QuotaTexts</name>
    <message>
        <source>Dubai Police</source>
        <translation>شرطة دبي</translation>
    </message>
    <message>
        <source>Metro</source>
        <translation>المترو</translation>
    </message>
    <message>
        <source>Bus</source>
        <translation>الحافلات</translation>
    </message>
    <message>
        <source>Other</source>
        <translation>أخرى</translation>
    </message>
    <message>
        <source>{0}: {1} of {2} streams in use</source>
        <translation>{0}: دفقات البث المستخدمة {1} من {2}</translation>
    </message>
    <message>
        <source>The stream quota of {0} is used up.</source>
        <translation>نفدت حصة البث الخاصة بـ {0}.</translation>
    </message>
    <message>
        <source>quota not checked</source>
        <translation>لم يُتحقَّق من الحصة</translation>
    </message>
    <message>
        <source>over the stream quota</source>
        <translation>تجاوز حصة البث</translation>
    </message>
    <message>
        <source>The backend is not connected; the stream quota is checked later.</source>
        <translation>الخادم الخلفي غير متصل؛ سيُتحقَّق من حصة البث لاحقاً.</translation>
    </message>
    <message>
        <source>The backend cannot be reached; the stream quota is checked later.</source>
        <translation>يتعذّر الوصول إلى الخادم الخلفي؛ سيُتحقَّق من حصة البث لاحقاً.</translation>
    </message>
    <message>
        <source>The backend did not answer in time; the stream quota is checked later.</source>
        <translation>لم يستجب الخادم الخلفي في الوقت المحدد؛ سيُتحقَّق من حصة البث لاحقاً.</translation>
    </message>
    <message>
        <source>The backend is still importing this camera; the stream quota is checked then.</source>
        <translation>لا يزال الخادم الخلفي يستورد هذه الكاميرا؛ سيُتحقَّق من حصة البث عندئذٍ.</translation>
    </message>
    <message>
        <source>The stream quota could not be checked; retrying.</source>
        <translation>تعذّر التحقق من حصة البث؛ جارٍ إعادة المحاولة.</translation>
    </message>
</context>
<context>
    <name>RangeBar</name>
    <message>
        <source>Start of the range (local time)</source>
        <translation>بداية النطاق (بالتوقيت المحلي)</translation>
    </message>
    <message>
        <source>End of the range (local time)</source>
        <translation>نهاية النطاق (بالتوقيت المحلي)</translation>
    </message>
    <message>
        <source>Show</source>
        <translation>عرض</translation>
    </message>
    <message>
        <source>List the recordings of this range</source>
        <translation>عرض قائمة تسجيلات هذا النطاق</translation>
    </message>
    <message>
        <source>1 h</source>
        <translation>ساعة</translation>
    </message>
    <message>
        <source>24 h</source>
        <translation>24 ساعة</translation>
    </message>
    <message>
        <source>7 days</source>
        <translation>7 أيام</translation>
    </message>
    <message>
        <source>The last {0}, following now</source>
        <translation>آخر {0}، مع متابعة الوقت الحالي</translation>
    </message>
    <message>
        <source>Follow now</source>
        <translation>متابعة الوقت الحالي</translation>
    </message>
    <message>
        <source>Keep the timeline&apos;s right edge at the current time</source>
        <translation>إبقاء الحافة اليمنى للمخطط الزمني عند الوقت الحالي</translation>
    </message>
    <message>
        <source>From</source>
        <translation>من</translation>
    </message>
    <message>
        <source>to</source>
        <translation>إلى</translation>
    </message>
</context>
<context>
    <name>RecordingPage</name>
    <message>
        <source> min</source>
        <translation> دقيقة</translation>
    </message>
    <message>
        <source>Default duration</source>
        <translation>المدة الافتراضية</translation>
    </message>
</context>
<context>
    <name>RecordingPanel</name>
    <message>
        <source>time left</source>
        <translation>الوقت المتبقي</translation>
    </message>
    <message>
        <source>Duration</source>
        <translation>المدة</translation>
    </message>
    <message>
        <source>Start recording</source>
        <translation>بدء التسجيل</translation>
    </message>
    <message>
        <source>Stop recording</source>
        <translation>إيقاف التسجيل</translation>
    </message>
    <message>
        <source>{0} min</source>
        <translation>{0} دقيقة</translation>
    </message>
    <message>
        <source>Record {0} minutes longer</source>
        <translation>تمديد التسجيل {0} دقيقة</translation>
    </message>
    <message>
        <source>No camera is recording.</source>
        <translation>لا توجد كاميرا قيد التسجيل.</translation>
    </message>
    <message>
        <source>No camera selected</source>
        <translation>لم تُحدَّد أي كاميرا</translation>
    </message>
    <message>
        <source>Not recording</source>
        <translation>لا يوجد تسجيل</translation>
    </message>
    <message>
        <source>Starting…</source>
        <translation>جارٍ البدء…</translation>
    </message>
    <message>
        <source>● Recording</source>
        <translation>● قيد التسجيل</translation>
    </message>
    <message>
        <source>Stopping…</source>
        <translation>جارٍ الإيقاف…</translation>
    </message>
    <message>
        <source>Extending…</source>
        <translation>جارٍ التمديد…</translation>
    </message>
    <message>
        <source>Custom…</source>
        <translation>مخصص…</translation>
    </message>
    <message>
        <source> s</source>
        <translation> ثانية</translation>
    </message>
    <message>
        <source> min</source>
        <translation> دقيقة</translation>
    </message>
    <message>
        <source>Custom duration: {0} to {1}</source>
        <translation>مدة مخصصة: من {0} إلى {1}</translation>
    </message>
    <message>
        <source>Elapsed {0} of {1}</source>
        <translation>انقضى {0} من {1}</translation>
    </message>
    <message>
        <source>Ends at {0}</source>
        <translation>ينتهي عند {0}</translation>
    </message>
    <message>
        <source>RECORDING NOW: {0}</source>
        <translation>قيد التسجيل الآن: {0}</translation>
    </message>
</context>
<context>
    <name>RecordingTracker</name>
    <message>
        <source>Recording started: {0} for {1}.</source>
        <translation>بدأ التسجيل: {0} لمدة {1}.</translation>
    </message>
    <message>
        <source>Recording stopped: {0} ({1}).</source>
        <translation>توقف التسجيل: {0} ({1}).</translation>
    </message>
</context>
<context>
    <name>RecordingViewModel</name>
    <message>
        <source>Select a camera in the tree or on the wall.</source>
        <translation>اختر كاميرا من الشجرة أو من الجدار.</translation>
    </message>
    <message>
        <source>This camera is disabled in XProtect.</source>
        <translation>هذه الكاميرا معطّلة في XProtect.</translation>
    </message>
    <message>
        <source>Recording needs the backend, and none is configured.</source>
        <translation>يتطلب التسجيل خادماً خلفياً، ولم يُعَدّ أي خادم.</translation>
    </message>
    <message>
        <source>The backend is not connected; see the status bar.</source>
        <translation>الخادم الخلفي غير متصل؛ راجع شريط الحالة.</translation>
    </message>
    <message>
        <source>Your account may not record.</source>
        <translation>لا يحق لحسابك التسجيل.</translation>
    </message>
    <message>
        <source>The backend is still importing the cameras from XProtect…</source>
        <translation>لا يزال الخادم الخلفي يستورد الكاميرات من XProtect…</translation>
    </message>
    <message>
        <source>This camera is not in the backend yet; an administrator can import it.</source>
        <translation>هذه الكاميرا غير موجودة في الخادم الخلفي بعد؛ ويمكن لمسؤول النظام استيرادها.</translation>
    </message>
    <message>
        <source>Recording of {0} extended to {1}.</source>
        <translation>مُدِّد تسجيل {0} حتى {1}.</translation>
    </message>
    <message>
        <source>{0} s</source>
        <translation>{0} ثانية</translation>
    </message>
    <message>
        <source>{0} min {1} s</source>
        <translation>{0} دقيقة و{1} ثانية</translation>
    </message>
    <message>
        <source>{0} h</source>
        <translation>{0} ساعة</translation>
    </message>
    <message>
        <source>{0} h {1} min</source>
        <translation>{0} ساعة و{1} دقيقة</translation>
    </message>
    <message>
        <source>{0} min</source>
        <translation>{0} دقيقة</translation>
    </message>
    <message>
        <source>stopped by an operator</source>
        <translation>أوقفه أحد المشغّلين</translation>
    </message>
    <message>
        <source>the chosen duration ended</source>
        <translation>انتهت المدة المختارة</translation>
    </message>
    <message>
        <source>its end passed while the backend was down</source>
        <translation>حلّ موعد انتهائه أثناء توقف الخادم الخلفي</translation>
    </message>
    <message>
        <source>stopped by an error</source>
        <translation>أوقفه خطأ</translation>
    </message>
    <message>
        <source>stopped</source>
        <translation>متوقف</translation>
    </message>
    <message>
        <source>The backend does not answer. Its state is shown in the status bar; try again soon.</source>
        <translation>الخادم الخلفي لا يستجيب. تظهر حالته في شريط الحالة؛ أعد المحاولة قريباً.</translation>
    </message>
    <message>
        <source>The backend&apos;s answer was not understood (is it a different version?).</source>
        <translation>تعذّر فهم ردّ الخادم الخلفي (هل هو إصدار مختلف؟).</translation>
    </message>
    <message>
        <source>The backend refused the request (HTTP {0}).</source>
        <translation>رفض الخادم الخلفي الطلب (HTTP {0}).</translation>
    </message>
    <message>
        <source>{0} Time left: {1}.</source>
        <translation>{0} الوقت المتبقي: {1}.</translation>
    </message>
</context>
<context>
    <name>SaveLayoutDialog</name>
    <message>
        <source>Save wall layout</source>
        <translation>حفظ تخطيط الجدار</translation>
    </message>
    <message>
        <source>Name</source>
        <translation>الاسم</translation>
    </message>
    <message>
        <source>Share with every user</source>
        <translation>مشاركة مع جميع المستخدمين</translation>
    </message>
</context>
<context>
    <name>ServersPage</name>
    <message>
        <source>https://vms.example.com</source>
        <translation>https://vms.example.com</translation>
    </message>
    <message>
        <source>user name, or DOMAIN\user for Windows</source>
        <translation>اسم المستخدم، أو DOMAIN\user لمستخدم Windows</translation>
    </message>
    <message>
        <source>XProtect basic user</source>
        <translation>مستخدم XProtect الأساسي</translation>
    </message>
    <message>
        <source>Windows user (NTLM)</source>
        <translation>مستخدم Windows ‏(NTLM)</translation>
    </message>
    <message>
        <source>Verify the server&apos;s TLS certificate</source>
        <translation>التحقق من شهادة TLS للخادم</translation>
    </message>
    <message>
        <source>Forget saved password</source>
        <translation>نسيان كلمة المرور المحفوظة</translation>
    </message>
    <message>
        <source>The management server of the site you watch.</source>
        <translation>خادم الإدارة للموقع الذي تراقبه.</translation>
    </message>
    <message>
        <source>Server address</source>
        <translation>عنوان الخادم</translation>
    </message>
    <message>
        <source>User</source>
        <translation>المستخدم</translation>
    </message>
    <message>
        <source>Authentication</source>
        <translation>المصادقة</translation>
    </message>
    <message>
        <source>Saved password</source>
        <translation>كلمة المرور المحفوظة</translation>
    </message>
    <message>
        <source>Changes apply at the next log-in. Passwords are kept in the system keyring.</source>
        <translation>تُطبَّق التغييرات عند تسجيل الدخول التالي. تُحفظ كلمات المرور في حافظة مفاتيح النظام.</translation>
    </message>
</context>
<context>
    <name>SettingsDialog</name>
    <message>
        <source>Settings</source>
        <translation>الإعدادات</translation>
    </message>
    <message>
        <source>Servers</source>
        <translation>الخوادم</translation>
    </message>
    <message>
        <source>Language</source>
        <translation>اللغة</translation>
    </message>
    <message>
        <source>Video</source>
        <translation>الفيديو</translation>
    </message>
    <message>
        <source>Tiles</source>
        <translation>الخانات</translation>
    </message>
    <message>
        <source>Recording</source>
        <translation>التسجيل</translation>
    </message>
    <message>
        <source>Backend</source>
        <translation>الخادم الخلفي</translation>
    </message>
    <message>
        <source>Between {0} and {1} minutes (the backend&apos;s limits). Used for the next recording you start.</source>
        <translation>بين {0} و{1} دقيقة (حدود الخادم الخلفي). تُستخدم للتسجيل التالي الذي تبدؤه.</translation>
    </message>
    <message>
        <source>empty: {0}</source>
        <translation>فارغ: {0}</translation>
    </message>
    <message>
        <source>Set by the environment variable {0} for this run.</source>
        <translation>محدَّد بمتغير البيئة {0} لهذا التشغيل.</translation>
    </message>
    <message>
        <source>A password is saved in the system keyring.</source>
        <translation>توجد كلمة مرور محفوظة في حافظة مفاتيح النظام.</translation>
    </message>
    <message>
        <source>No password is saved.</source>
        <translation>لا توجد كلمة مرور محفوظة.</translation>
    </message>
    <message>
        <source>Testing…</source>
        <translation>جارٍ الاختبار…</translation>
    </message>
</context>
<context>
    <name>SettingsPages</name>
    <message>
        <source>Browse…</source>
        <translation>استعراض…</translation>
    </message>
</context>
<context>
    <name>SettingsViewModel</name>
    <message>
        <source>The recording duration must be between {0} and {1} minutes.</source>
        <translation>يجب أن تكون مدة التسجيل بين {0} و{1} دقيقة.</translation>
    </message>
    <message>
        <source>The XProtect server address must start with http:// or https:// and name a host.</source>
        <translation>يجب أن يبدأ عنوان خادم XProtect بـ http:// أو https:// وأن يتضمن اسم مضيف.</translation>
    </message>
    <message>
        <source>Enter the address of the remote backend, or choose the bundled backend.</source>
        <translation>أدخل عنوان الخادم الخلفي البعيد، أو اختر الخادم الخلفي المدمج.</translation>
    </message>
    <message>
        <source>The backend address must start with http:// or https:// and name a host.</source>
        <translation>يجب أن يبدأ عنوان الخادم الخلفي بـ http:// أو https:// وأن يتضمن اسم مضيف.</translation>
    </message>
    <message>
        <source>The API token file does not exist.</source>
        <translation>ملف رمز واجهة البرمجة غير موجود.</translation>
    </message>
    <message>
        <source>The data directory is a file, not a directory.</source>
        <translation>مجلد البيانات ملف وليس مجلدًا.</translation>
    </message>
    <message>
        <source>The value of {0} is not one of the choices.</source>
        <translation>قيمة {0} ليست من الخيارات المتاحة.</translation>
    </message>
    <message>
        <source>The language changes when the application starts again.</source>
        <translation>تتغير اللغة عند تشغيل التطبيق مرة أخرى.</translation>
    </message>
    <message>
        <source>The XProtect server settings apply at the next log-in.</source>
        <translation>تُطبَّق إعدادات خادم XProtect عند تسجيل الدخول التالي.</translation>
    </message>
    <message>
        <source>The backend settings apply when the application starts again.</source>
        <translation>تُطبَّق إعدادات الخادم الخلفي عند تشغيل التطبيق مرة أخرى.</translation>
    </message>
    <message>
        <source>The live video format applies to the cameras opened from now on.</source>
        <translation>يُطبَّق تنسيق الفيديو المباشر على الكاميرات التي تُفتح من الآن فصاعدًا.</translation>
    </message>
    <message>
        <source>The settings could not be saved: {0}</source>
        <translation>تعذّر حفظ الإعدادات: {0}</translation>
    </message>
    <message>
        <source>Enter the server address and the user name whose password should be forgotten.</source>
        <translation>أدخل عنوان الخادم واسم المستخدم الذي تريد نسيان كلمة مروره.</translation>
    </message>
    <message>
        <source>The system keyring is not available: no password is saved on this computer.</source>
        <translation>حافظة مفاتيح النظام غير متاحة: لا توجد كلمة مرور محفوظة على هذا الحاسوب.</translation>
    </message>
    <message>
        <source>The saved password was forgotten.</source>
        <translation>نُسيت كلمة المرور المحفوظة.</translation>
    </message>
    <message>
        <source>The API token file cannot be read or holds no token.</source>
        <translation>تعذّرت قراءة ملف رمز واجهة البرمجة أو أنه لا يحتوي على رمز.</translation>
    </message>
    <message>
        <source>The bundled backend answers (version {0}, status {1}).</source>
        <translation>الخادم الخلفي المدمج يستجيب (الإصدار {0}، الحالة {1}).</translation>
    </message>
    <message>
        <source>The bundled backend cannot write to its data directory {0}.</source>
        <translation>لا يستطيع الخادم الخلفي المدمج الكتابة في مجلد بياناته {0}.</translation>
    </message>
    <message>
        <source>The bundled backend is not running: it starts after the XProtect log-in. Its data directory {0} is usable.</source>
        <translation>الخادم الخلفي المدمج لا يعمل: يبدأ بعد تسجيل الدخول إلى XProtect. مجلد بياناته {0} صالح للاستخدام.</translation>
    </message>
    <message>
        <source>The backend answers (version {0}, status {1}).</source>
        <translation>الخادم الخلفي يستجيب (الإصدار {0}، الحالة {1}).</translation>
    </message>
    <message>
        <source>The API token is accepted.</source>
        <translation>رمز واجهة البرمجة مقبول.</translation>
    </message>
    <message>
        <source>Logged in as {0} ({1}).</source>
        <translation>تم تسجيل الدخول باسم {0} ({1}).</translation>
    </message>
    <message>
        <source>No API token or saved password: the XProtect log-in is used.</source>
        <translation>لا يوجد رمز واجهة برمجة ولا كلمة مرور محفوظة: يُستخدم تسجيل الدخول إلى XProtect.</translation>
    </message>
    <message>
        <source>The backend does not answer at this address ({0}).</source>
        <translation>الخادم الخلفي لا يستجيب على هذا العنوان ({0}).</translation>
    </message>
    <message>
        <source>The backend refused the credentials: {0}</source>
        <translation>رفض الخادم الخلفي بيانات الاعتماد: {0}</translation>
    </message>
    <message>
        <source>The backend answered with an error: {0}</source>
        <translation>أجاب الخادم الخلفي بخطأ: {0}</translation>
    </message>
</context>
<context>
    <name>StreamLimitsViewModel</name>
    <message>
        <source>Agency</source>
        <translation>الجهة</translation>
    </message>
    <message>
        <source>Limit</source>
        <translation>الحد</translation>
    </message>
    <message>
        <source>In use</source>
        <translation>قيد الاستخدام</translation>
    </message>
    <message>
        <source>Available</source>
        <translation>المتاح</translation>
    </message>
    <message>
        <source>An agency name has 1 to 32 letters, digits or underscores.</source>
        <translation>يتكون اسم الجهة من 1 إلى 32 من الأحرف أو الأرقام أو الشرطات السفلية.</translation>
    </message>
    <message>
        <source>A limit is between 0 and {0} streams.</source>
        <translation>يجب أن يكون الحد بين 0 و{0} من دفقات البث.</translation>
    </message>
    <message>
        <source>The limit of {0} is now {1} streams.</source>
        <translation>أصبح حد دفقات البث للجهة {0}: {1}.</translation>
    </message>
</context>
<context>
    <name>StreamQuotasDialog</name>
    <message>
        <source>Stream quotas</source>
        <translation>حصص البث</translation>
    </message>
    <message>
        <source>Each agency may open at most its limit of streams at once (live tiles and recordings).</source>
        <translation>لا يجوز لأي جهة أن تفتح في آنٍ واحد دفقات بث تتجاوز حدها (الخانات المباشرة والتسجيلات).</translation>
    </message>
    <message>
        <source>agency</source>
        <translation>الجهة</translation>
    </message>
    <message>
        <source> streams</source>
        <translation> دفق</translation>
    </message>
    <message>
        <source>Set limit</source>
        <translation>تعيين الحد</translation>
    </message>
    <message>
        <source>Agency</source>
        <translation>الجهة</translation>
    </message>
    <message>
        <source>Limit</source>
        <translation>الحد</translation>
    </message>
</context>
<context>
    <name>TagPicker</name>
    <message>
        <source>No tags are defined yet.</source>
        <translation>لم تُعرَّف أي وسوم بعد.</translation>
    </message>
</context>
<context>
    <name>TagRangeDialog</name>
    <message>
        <source>Tag range</source>
        <translation>وسم النطاق</translation>
    </message>
    <message>
        <source>Choose a tag or type a new one</source>
        <translation>اختر وسماً أو اكتب وسماً جديداً</translation>
    </message>
    <message>
        <source>Tag</source>
        <translation>الوسم</translation>
    </message>
    <message>
        <source>Colour of a new tag</source>
        <translation>لون الوسم الجديد</translation>
    </message>
    <message>
        <source>Choose a tag or type a new one.</source>
        <translation>اختر وسماً أو اكتب وسماً جديداً.</translation>
    </message>
</context>
<context>
    <name>Tags</name>
    <message>
        <source>Uncategorised</source>
        <translation>غير مصنَّف</translation>
    </message>
    <message>
        <source>A tag needs a name.</source>
        <translation>يجب أن يكون للوسم اسم.</translation>
    </message>
    <message>
        <source>Tag “{0}” created.</source>
        <translation>أُنشئ الوسم «{0}».</translation>
    </message>
    <message>
        <source>That tag no longer exists.</source>
        <translation>لم يعد هذا الوسم موجوداً.</translation>
    </message>
    <message>
        <source>Tag changed.</source>
        <translation>عُدِّل الوسم.</translation>
    </message>
    <message>
        <source>Tag deleted.</source>
        <translation>حُذف الوسم.</translation>
    </message>
</context>
<context>
    <name>TagsDialog</name>
    <message>
        <source>Tags</source>
        <translation>الوسوم</translation>
    </message>
    <message>
        <source>Tag</source>
        <translation>الوسم</translation>
    </message>
    <message>
        <source>Colour</source>
        <translation>اللون</translation>
    </message>
    <message>
        <source>Created by</source>
        <translation>أنشأه</translation>
    </message>
    <message>
        <source>Name, e.g. “Vehicle”</source>
        <translation>الاسم، مثل «مركبة»</translation>
    </message>
    <message>
        <source>Category (optional), e.g. “Traffic”</source>
        <translation>التصنيف (اختياري)، مثل «مرور»</translation>
    </message>
    <message>
        <source>Name</source>
        <translation>الاسم</translation>
    </message>
    <message>
        <source>Category</source>
        <translation>التصنيف</translation>
    </message>
    <message>
        <source>New tag</source>
        <translation>وسم جديد</translation>
    </message>
    <message>
        <source>Delete…</source>
        <translation>حذف…</translation>
    </message>
    <message>
        <source>Save</source>
        <translation>حفظ</translation>
    </message>
    <message>
        <source>Close</source>
        <translation>إغلاق</translation>
    </message>
    <message>
        <source>Created {0}</source>
        <translation>أُنشئ في {0}</translation>
    </message>
    <message>
        <source>Loading…</source>
        <translation>جارٍ التحميل…</translation>
    </message>
    <message>
        <source>No tags are defined yet.</source>
        <translation>لم تُعرَّف أي وسوم بعد.</translation>
    </message>
    <message>
        <source>{0} tags.</source>
        <translation>عدد الوسوم: {0}.</translation>
    </message>
    <message>
        <source>Changing tags needs the “incidents” permission.</source>
        <translation>يتطلب تغيير الوسوم صلاحية «الحوادث» (incidents).</translation>
    </message>
    <message>
        <source>Create</source>
        <translation>إنشاء</translation>
    </message>
    <message>
        <source>Edit tag</source>
        <translation>تعديل الوسم</translation>
    </message>
    <message>
        <source>Tag colour</source>
        <translation>لون الوسم</translation>
    </message>
    <message>
        <source>Delete tag</source>
        <translation>حذف الوسم</translation>
    </message>
    <message>
        <source>Delete the tag “{0}”? It is also removed from every tagged range and incident.</source>
        <translation>هل تريد حذف الوسم «{0}»؟ سيُزال أيضاً من كل نطاق وكل حادثة تحمل هذا الوسم.</translation>
    </message>
</context>
<context>
    <name>TaskRunner</name>
    <message>
        <source>An internal error occurred: {0}</source>
        <translation>حدث خطأ داخلي: {0}</translation>
    </message>
</context>
<context>
    <name>TileViewModel</name>
    <message>
        <source>connecting</source>
        <translation>جارٍ الاتصال</translation>
    </message>
    <message>
        <source>live</source>
        <translation>مباشر</translation>
    </message>
    <message>
        <source>reconnecting</source>
        <translation>جارٍ إعادة الاتصال</translation>
    </message>
    <message>
        <source>no permission</source>
        <translation>لا توجد صلاحية</translation>
    </message>
    <message>
        <source>authentication failed</source>
        <translation>فشلت المصادقة</translation>
    </message>
    <message>
        <source>stopped</source>
        <translation>متوقف</translation>
    </message>
    <message>
        <source>the recording server&apos;s certificate is not trusted</source>
        <translation>شهادة خادم التسجيل غير موثوقة</translation>
    </message>
    <message>
        <source>the recording server cannot be reached</source>
        <translation>يتعذّر الوصول إلى خادم التسجيل</translation>
    </message>
    <message>
        <source>the video stream was interrupted</source>
        <translation>انقطع بث الفيديو</translation>
    </message>
    <message>
        <source>the recording server does not know this camera</source>
        <translation>خادم التسجيل لا يعرف هذه الكاميرا</translation>
    </message>
    <message>
        <source>the recording server refused the login token</source>
        <translation>رفض خادم التسجيل رمز تسجيل الدخول</translation>
    </message>
    <message>
        <source>your user may not view this camera</source>
        <translation>لا يحق لمستخدمك عرض هذه الكاميرا</translation>
    </message>
    <message>
        <source>the connection to the recording server was lost</source>
        <translation>انقطع الاتصال بخادم التسجيل</translation>
    </message>
</context>
<context>
    <name>TilesPage</name>
    <message>
        <source>Show the camera name and state over live video</source>
        <translation>إظهار اسم الكاميرا وحالتها فوق الفيديو المباشر</translation>
    </message>
    <message>
        <source>Double-click a tile to maximise it</source>
        <translation>النقر المزدوج على خانة يكبّرها</translation>
    </message>
    <message>
        <source>Keep the picture&apos;s aspect ratio (otherwise stretch it)</source>
        <translation>الحفاظ على نسبة أبعاد الصورة (وإلا تُمدَّد)</translation>
    </message>
    <message>
        <source>A tile that is not live always says why. Changes apply at once.</source>
        <translation>الخانة غير المباشرة تذكر السبب دائمًا. تُطبَّق التغييرات فورًا.</translation>
    </message>
</context>
<context>
    <name>TimeSelection</name>
    <message>
        <source>{0} – {1} ({2})</source>
        <translation>{0} – {1} ({2})</translation>
    </message>
</context>
<context>
    <name>TimelineLegend</name>
    <message>
        <source>Recorded in XProtect</source>
        <translation>مسجّل في XProtect</translation>
    </message>
    <message>
        <source>Recorded by the backend</source>
        <translation>مسجّل بواسطة الخادم الخلفي</translation>
    </message>
    <message>
        <source>Motion</source>
        <translation>الحركة</translation>
    </message>
    <message>
        <source>Manual recording</source>
        <translation>تسجيل يدوي</translation>
    </message>
    <message>
        <source>Camera offline</source>
        <translation>الكاميرا غير متصلة</translation>
    </message>
    <message>
        <source>Recording server down</source>
        <translation>خادم التسجيل متوقف</translation>
    </message>
    <message>
        <source>Quota full</source>
        <translation>الحصة ممتلئة</translation>
    </message>
    <message>
        <source>Upload failed</source>
        <translation>فشل الرفع</translation>
    </message>
    <message>
        <source>No recording</source>
        <translation>لا يوجد تسجيل</translation>
    </message>
    <message>
        <source>Detections (a row per class)</source>
        <translation>الاكتشافات (صف لكل فئة)</translation>
    </message>
    <message>
        <source>Notes and tags (▼ annotation, bar: tag)</source>
        <translation>الملاحظات والوسوم (▼ ملاحظة، الشريط: وسم)</translation>
    </message>
</context>
<context>
    <name>TimelineViewModel</name>
    <message>
        <source>Loading…</source>
        <translation>جارٍ التحميل…</translation>
    </message>
    <message>
        <source>Recorded: {0}</source>
        <translation>مسجّل: {0}</translation>
    </message>
    <message>
        <source>Not available for playback yet.</source>
        <translation>غير متاح للتشغيل بعد.</translation>
    </message>
    <message>
        <source>No recording {0} ({1})</source>
        <translation>لا يوجد تسجيل {0} ({1})</translation>
    </message>
    <message>
        <source>Motion</source>
        <translation>الحركة</translation>
    </message>
    <message>
        <source>Manual recording session ({0})</source>
        <translation>جلسة تسجيل يدوي ({0})</translation>
    </message>
    <message>
        <source>No {0} detected at this time.</source>
        <translation>لم يُكتشف {0} في هذا الوقت.</translation>
    </message>
    <message>
        <source>{0}: 1 detection</source>
        <translation>{0}: اكتشاف واحد</translation>
    </message>
    <message>
        <source>{0}: {1} detections</source>
        <translation>{0}: عدد الاكتشافات {1}</translation>
    </message>
    <message>
        <source>At {0}</source>
        <translation>عند {0}</translation>
    </message>
    <message>
        <source>From {0} to {1}</source>
        <translation>من {0} إلى {1}</translation>
    </message>
    <message>
        <source>Best score: {0}</source>
        <translation>أعلى درجة ثقة: {0}</translation>
    </message>
    <message>
        <source>Only the newest detections of this range are shown.</source>
        <translation>تُعرض أحدث اكتشافات هذا النطاق فقط.</translation>
    </message>
</context>
<context>
    <name>TimelineWidget</name>
    <message>
        <source>Notes and tags</source>
        <translation>الملاحظات والوسوم</translation>
    </message>
    <message>
        <source>Detections</source>
        <translation>الاكتشافات</translation>
    </message>
    <message>
        <source>Loading…</source>
        <translation>جارٍ التحميل…</translation>
    </message>
    <message>
        <source>Nothing is recorded in this range.</source>
        <translation>لا يوجد تسجيل في هذا النطاق.</translation>
    </message>
</context>
<context>
    <name>TransportBar</name>
    <message>
        <source>Previous sequence (Page Up)</source>
        <translation>التسلسل السابق (Page Up)</translation>
    </message>
    <message>
        <source>One frame back (,)</source>
        <translation>إطار واحد إلى الخلف (,)</translation>
    </message>
    <message>
        <source>Play backwards (J)</source>
        <translation>تشغيل عكسي (J)</translation>
    </message>
    <message>
        <source>One frame forward (.)</source>
        <translation>إطار واحد إلى الأمام (.)</translation>
    </message>
    <message>
        <source>Next sequence (Page Down)</source>
        <translation>التسلسل التالي (Page Down)</translation>
    </message>
    <message>
        <source>Playback speed (J and L change it)</source>
        <translation>سرعة التشغيل (تُغيَّر بالمفتاحين J وL)</translation>
    </message>
    <message>
        <source>Skip gaps</source>
        <translation>تخطي الفجوات</translation>
    </message>
    <message>
        <source>Jump over time without recording instead of showing it</source>
        <translation>القفز فوق الفترات الخالية من التسجيل بدلاً من عرضها</translation>
    </message>
    <message>
        <source>Time of the picture shown (local time)</source>
        <translation>وقت الصورة المعروضة (بالتوقيت المحلي)</translation>
    </message>
    <message>
        <source>Save a snapshot of the picture (S)</source>
        <translation>حفظ لقطة من الصورة (S)</translation>
    </message>
    <message>
        <source>Full screen (F; Esc to leave)</source>
        <translation>ملء الشاشة (F؛ Esc للخروج)</translation>
    </message>
    <message>
        <source>Back to live</source>
        <translation>العودة إلى البث المباشر</translation>
    </message>
    <message>
        <source>Close the recordings and show these cameras live again</source>
        <translation>إغلاق التسجيلات وعرض هذه الكاميرات مباشرةً من جديد</translation>
    </message>
    <message>
        <source>Previous detection of the chosen classes (Shift+N)</source>
        <translation>الاكتشاف السابق من الفئات المختارة (Shift+N)</translation>
    </message>
    <message>
        <source>Next detection of the chosen classes (N)</source>
        <translation>الاكتشاف التالي من الفئات المختارة (N)</translation>
    </message>
    <message>
        <source>Classes of detections to jump between and to box over the video</source>
        <translation>فئات الاكتشافات التي يُنتقل بينها وتُرسم إطاراتها فوق الفيديو</translation>
    </message>
    <message>
        <source>Show the detection boxes over the video (B)</source>
        <translation>إظهار إطارات الاكتشاف فوق الفيديو (B)</translation>
    </message>
    <message>
        <source>Pause (Space or K)</source>
        <translation>إيقاف مؤقت (Space أو K)</translation>
    </message>
    <message>
        <source>Play (Space or L)</source>
        <translation>تشغيل (Space أو L)</translation>
    </message>
    <message>
        <source>paused</source>
        <translation>متوقف مؤقتاً</translation>
    </message>
    <message>
        <source>No detections</source>
        <translation>لا توجد اكتشافات</translation>
    </message>
    <message>
        <source>All classes</source>
        <translation>جميع الفئات</translation>
    </message>
    <message>
        <source>No class</source>
        <translation>بلا فئة</translation>
    </message>
</context>
<context>
    <name>UsersDialog</name>
    <message>
        <source>Users</source>
        <translation>المستخدمون</translation>
    </message>
    <message>
        <source>Disabling a user or resetting a password ends that user&apos;s sessions at once.</source>
        <translation>يؤدي تعطيل مستخدم أو إعادة تعيين كلمة مروره إلى إنهاء جلساته فوراً.</translation>
    </message>
    <message>
        <source>user name</source>
        <translation>اسم المستخدم</translation>
    </message>
    <message>
        <source>optional</source>
        <translation>اختياري</translation>
    </message>
    <message>
        <source>Create user</source>
        <translation>إنشاء مستخدم</translation>
    </message>
    <message>
        <source>New user</source>
        <translation>مستخدم جديد</translation>
    </message>
    <message>
        <source>User name</source>
        <translation>اسم المستخدم</translation>
    </message>
    <message>
        <source>Display name</source>
        <translation>الاسم المعروض</translation>
    </message>
    <message>
        <source>Role</source>
        <translation>الدور</translation>
    </message>
    <message>
        <source>Password</source>
        <translation>كلمة المرور</translation>
    </message>
    <message>
        <source>Change role</source>
        <translation>تغيير الدور</translation>
    </message>
    <message>
        <source>Disable</source>
        <translation>تعطيل</translation>
    </message>
    <message>
        <source>new password</source>
        <translation>كلمة المرور الجديدة</translation>
    </message>
    <message>
        <source>Reset password</source>
        <translation>إعادة تعيين كلمة المرور</translation>
    </message>
    <message>
        <source>Selected user</source>
        <translation>المستخدم المحدد</translation>
    </message>
    <message>
        <source>Access</source>
        <translation>الوصول</translation>
    </message>
    <message>
        <source>Select a user in the table.</source>
        <translation>اختر مستخدماً من الجدول.</translation>
    </message>
    <message>
        <source>Enable</source>
        <translation>تمكين</translation>
    </message>
</context>
<context>
    <name>UsersViewModel</name>
    <message>
        <source>User</source>
        <translation>المستخدم</translation>
    </message>
    <message>
        <source>Display name</source>
        <translation>الاسم المعروض</translation>
    </message>
    <message>
        <source>Role</source>
        <translation>الدور</translation>
    </message>
    <message>
        <source>Status</source>
        <translation>الحالة</translation>
    </message>
    <message>
        <source>Last log-in</source>
        <translation>آخر تسجيل دخول</translation>
    </message>
    <message>
        <source>Password changed</source>
        <translation>آخر تغيير لكلمة المرور</translation>
    </message>
    <message>
        <source>Disabled</source>
        <translation>معطّل</translation>
    </message>
    <message>
        <source>Locked until {0}</source>
        <translation>مقفل حتى {0}</translation>
    </message>
    <message>
        <source>Enabled</source>
        <translation>مفعّل</translation>
    </message>
    <message>
        <source>Enter a user name.</source>
        <translation>أدخل اسم المستخدم.</translation>
    </message>
    <message>
        <source>Enter a password for the new user.</source>
        <translation>أدخل كلمة مرور للمستخدم الجديد.</translation>
    </message>
    <message>
        <source>Choose a role.</source>
        <translation>اختر دوراً.</translation>
    </message>
    <message>
        <source>User {0} created ({1}).</source>
        <translation>أُنشئ المستخدم {0} ({1}).</translation>
    </message>
    <message>
        <source>{0} is now: {1}.</source>
        <translation>أصبح {0} الآن: {1}.</translation>
    </message>
    <message>
        <source>{0} is disabled; their sessions have ended.</source>
        <translation>عُطِّل {0}؛ وانتهت جلساته.</translation>
    </message>
    <message>
        <source>{0} is enabled again.</source>
        <translation>أُعيد تمكين {0}.</translation>
    </message>
    <message>
        <source>Enter the new password.</source>
        <translation>أدخل كلمة المرور الجديدة.</translation>
    </message>
    <message>
        <source>The password of {0} was reset; their sessions have ended.</source>
        <translation>أُعيد تعيين كلمة مرور {0}؛ وانتهت جلساته.</translation>
    </message>
    <message>
        <source>{0} (you)</source>
        <translation>{0} (أنت)</translation>
    </message>
    <message>
        <source>never</source>
        <translation>أبداً</translation>
    </message>
</context>
<context>
    <name>VideoPage</name>
    <message>
        <source>H.264, decoded on this computer (recommended)</source>
        <translation>H.264، يُفك ترميزه على هذا الحاسوب (موصى به)</translation>
    </message>
    <message>
        <source>JPEG pictures made by the recording server</source>
        <translation>صور JPEG يعدّها خادم التسجيل</translation>
    </message>
    <message>
        <source>Live video</source>
        <translation>الفيديو المباشر</translation>
    </message>
    <message>
        <source>JPEG moves the decoding to the recording server: use it on a computer too slow for many H.264 streams. Pictures are drawn by Qt&apos;s own painter; there is no other renderer to choose.</source>
        <translation>ينقل JPEG فك الترميز إلى خادم التسجيل: استخدمه على حاسوب أبطأ من أن يعرض دفقات H.264 كثيرة. تُرسم الصور برسّام Qt الخاص؛ ولا يوجد عارض آخر للاختيار.</translation>
    </message>
</context>
<context>
    <name>VideoTile</name>
    <message>
        <source>Retry</source>
        <translation>إعادة المحاولة</translation>
    </message>
    <message>
        <source>Ask for a stream slot again</source>
        <translation>طلب مكان في حصة البث مجدداً</translation>
    </message>
    <message>
        <source>Camera not available: {0}</source>
        <translation>الكاميرا غير متاحة: {0}</translation>
    </message>
    <message>
        <source>Restore layout</source>
        <translation>استعادة التخطيط</translation>
    </message>
    <message>
        <source>Maximise</source>
        <translation>تكبير</translation>
    </message>
    <message>
        <source>View recordings</source>
        <translation>عرض التسجيلات</translation>
    </message>
    <message>
        <source>Remove camera from this tile</source>
        <translation>إزالة الكاميرا من هذه الخانة</translation>
    </message>
    <message>
        <source>Drag a camera here</source>
        <translation>اسحب كاميرا إلى هنا</translation>
    </message>
    <message>
        <source>Stream limit reached</source>
        <translation>بُلغ حد البث</translation>
    </message>
    <message>
        <source>limit reached</source>
        <translation>بُلغ الحد</translation>
    </message>
</context>
<context>
    <name>ViewMenu</name>
    <message>
        <source>&amp;View</source>
        <translation>&amp;عرض</translation>
    </message>
    <message>
        <source>&amp;Language</source>
        <translation>&amp;اللغة</translation>
    </message>
    <message>
        <source>&amp;Calendar</source>
        <translation>&amp;التقويم</translation>
    </message>
    <message>
        <source>Gregorian</source>
        <translation>ميلادي</translation>
    </message>
    <message>
        <source>Hijri (Umm al-Qura)</source>
        <translation>هجري (أم القرى)</translation>
    </message>
</context>
<context>
    <name>WallWindow</name>
    <message>
        <source>Cycle the wall&apos;s cameras through the tiles</source>
        <translation>تدوير كاميرات الجدار عبر الخانات</translation>
    </message>
    <message>
        <source> s</source>
        <translation> ث</translation>
    </message>
    <message>
        <source>Seconds between carousel steps</source>
        <translation>الثواني بين خطوات التدوير</translation>
    </message>
    <message>
        <source>Save layout…</source>
        <translation>حفظ التخطيط…</translation>
    </message>
    <message>
        <source>Full screen (F11)</source>
        <translation>ملء الشاشة (F11)</translation>
    </message>
    <message>
        <source>Control Room — {0}</source>
        <translation>غرفة التحكم — {0}</translation>
    </message>
    <message>
        <source>Carousel {0}/{1}</source>
        <translation>التدوير {0}/{1}</translation>
    </message>
    <message>
        <source>Carousel</source>
        <translation>التدوير</translation>
    </message>
</context>
<context>
    <name>WallWindowsViewModel</name>
    <message>
        <source>Wall {0}</source>
        <translation>الجدار {0}</translation>
    </message>
    <message>
        <source>Screen {0} of layout {1} is not connected: the wall opened on {2}.</source>
        <translation>الشاشة {0} الخاصة بالتخطيط {1} غير موصولة: فُتح الجدار على {2}.</translation>
    </message>
    <message>
        <source>Layout {0} names cameras this server does not list: {1}</source>
        <translation>يذكر التخطيط {0} كاميرات لا يدرجها هذا الخادم: {1}</translation>
    </message>
    <message>
        <source>Layouts are saved in the backend, which is not connected.</source>
        <translation>تُحفظ التخطيطات في الخادم الخلفي، وهو غير متصل.</translation>
    </message>
    <message>
        <source>the backend does not answer</source>
        <translation>الخادم الخلفي لا يستجيب</translation>
    </message>
    <message>
        <source>{0} failed: {1}</source>
        <translation>فشل {0}: {1}</translation>
    </message>
    <message>
        <source>Reading the layouts</source>
        <translation>قراءة التخطيطات</translation>
    </message>
    <message>
        <source>Saving layout {0}</source>
        <translation>حفظ التخطيط {0}</translation>
    </message>
    <message>
        <source>Layout {0} saved.</source>
        <translation>حُفظ التخطيط {0}.</translation>
    </message>
    <message>
        <source>Deleting the layout</source>
        <translation>حذف التخطيط</translation>
    </message>
</context>
<context>
    <name>WallsMenu</name>
    <message>
        <source>New wall window</source>
        <translation>نافذة جدار جديدة</translation>
    </message>
    <message>
        <source>Move wall to screen</source>
        <translation>نقل الجدار إلى شاشة</translation>
    </message>
    <message>
        <source>Open layout</source>
        <translation>فتح تخطيط</translation>
    </message>
    <message>
        <source>Walls</source>
        <translation>الجدران</translation>
    </message>
    <message>
        <source>Wall windows on other screens and saved layouts</source>
        <translation>نوافذ الجدران على الشاشات الأخرى والتخطيطات المحفوظة</translation>
    </message>
    <message>
        <source>Screen {0}</source>
        <translation>الشاشة {0}</translation>
    </message>
    <message>
        <source>{0} (primary)</source>
        <translation>{0} (الرئيسية)</translation>
    </message>
    <message>
        <source>No saved layouts</source>
        <translation>لا توجد تخطيطات محفوظة</translation>
    </message>
    <message>
        <source>{0} (shared by {1})</source>
        <translation>{0} (بمشاركة {1})</translation>
    </message>
</context>
</TS>
