; Inno Setup script (6.5 or newer) for 综治中心接待调解工作台.
;
; Packs the PyInstaller one-folder bundle (dist\zongzhi-desk, made by
; installer\build.py) into a setup program with Start-menu and desktop shortcuts.
; installer\build.py runs it as
;     ISCC /DAppVersion=0.1.0 /DAppNumericVersion=0.1.0.0 /DAppPublisher=...
;          /DDistDir=<dist>\zongzhi-desk /O<dist> zongzhi-desk.iss
; Uninstalling leaves the data folder (%LOCALAPPDATA%\zongzhi-desk, or the shared one under
; %ProgramData%\zongzhi-desk) alone.
;
; Who may install: an administrator installs for every user of the PC under
; Program Files; a desk user without administrator rights installs for their own
; account (under %LOCALAPPDATA%\Programs), as the dialog at the start offers.
;
; Signing (optional): with a code-signing certificate, set DESKTOP_SIGN_COMMAND
; before installer\build.py to the command that signs the file $f, e.g.
;     signtool sign /fd SHA256 /tr http://timestamp.example /td SHA256 /f desk.pfx /p PASSWORD $f
; build.py then hands it to ISCC as the sign tool "desksign" (/Sdesksign=... and
; /DSignToolName=desksign): the two programs, the setup program and the
; uninstaller are signed. Without it nothing is signed, and the build still works.
;
; This file is UTF-8 with a byte-order mark, which every Inno Setup 6 reads.

#define AppName "综治中心接待调解工作台"
#define AppExe "zongzhi-desk.exe"
#define CliExe "zongzhi-desk-cli.exe"
#ifndef AppVersion
  #define AppVersion "0.1.0"
#endif
#ifndef AppNumericVersion
  #define AppNumericVersion "0.1.0.0"
#endif
#ifndef AppPublisher
  #define AppPublisher "综治中心接待调解工作台项目组"
#endif
#ifndef DistDir
  #define DistDir "..\dist\zongzhi-desk"
#endif

[Setup]
; The AppId identifies the product across versions: never change it.
AppId={{C8146B49-19F0-41B5-BE54-AF0F7228077A}
AppName={#AppName}
AppVersion={#AppVersion}
AppVerName={#AppName} {#AppVersion}
AppPublisher={#AppPublisher}
VersionInfoVersion={#AppNumericVersion}
VersionInfoProductVersion={#AppNumericVersion}
VersionInfoCompany={#AppPublisher}
VersionInfoDescription={#AppName} 安装程序
VersionInfoProductName={#AppName}
DefaultDirName={autopf}\ZongzhiDesk
DefaultGroupName={#AppName}
DisableProgramGroupPage=yes
PrivilegesRequired=lowest
PrivilegesRequiredOverridesAllowed=dialog
ArchitecturesAllowed=x64compatible
ArchitecturesInstallIn64BitMode=x64compatible
MinVersion=10.0
OutputBaseFilename=zongzhi-desk-setup-{#AppVersion}
Compression=lzma2/max
SolidCompression=yes
WizardStyle=modern
UninstallDisplayName={#AppName}
UninstallDisplayIcon={app}\{#AppExe}
SetupIconFile=..\resources\icons\app.ico
#ifdef SignToolName
SignTool={#SignToolName}
SignedUninstaller=yes
#endif

[Languages]
; Simplified Chinese first (the wizard follows the PC's language). Inno Setup ships its
; Simplified Chinese messages from 6.5.0 on, which the build therefore needs; a messages
; file put in installer\ serves an older Inno Setup. Without either the setup would
; silently be English, so the build stops instead.
#if FileExists(AddBackslash(CompilerPath) + "Languages\ChineseSimplified.isl")
Name: "chs"; MessagesFile: "compiler:Languages\ChineseSimplified.isl"
#elif FileExists(AddBackslash(SourcePath) + "ChineseSimplified.isl")
Name: "chs"; MessagesFile: "ChineseSimplified.isl"
#else
  #error Inno Setup 6.5 or newer is needed: it carries the Simplified Chinese messages (Languages\ChineseSimplified.isl)
#endif
Name: "en"; MessagesFile: "compiler:Default.isl"

[Tasks]
Name: "desktopicon"; Description: "{cm:CreateDesktopIcon}"; GroupDescription: "{cm:AdditionalIcons}"
; A desk PC that several Windows accounts sign in to: one database for all of them under
; ProgramData (offered, and ticked, only when installing for every user of the PC).
Name: "shareddata"; Description: "本机所有 Windows 账户共用一个数据文件夹（ProgramData 下）"; GroupDescription: "数据文件夹："; Check: IsAdminInstallMode

[Dirs]
; Every account of the PC may write there (the program's own accounts guard the data).
Name: "{commonappdata}\zongzhi-desk"; Permissions: users-modify; Flags: uninsneveruninstall; Tasks: shareddata

[INI]
; The program reads it at start (desktop/paths.py, machine_data_dir).
Filename: "{app}\data-location.ini"; Section: "data"; Key: "folder"; String: "{commonappdata}\zongzhi-desk"; Flags: uninsdeletesection; Tasks: shareddata

[Files]
#ifdef SignToolName
Source: "{#DistDir}\{#AppExe}"; DestDir: "{app}"; Flags: ignoreversion signonce
Source: "{#DistDir}\{#CliExe}"; DestDir: "{app}"; Flags: ignoreversion signonce
Source: "{#DistDir}\*"; Excludes: "\{#AppExe},\{#CliExe}"; DestDir: "{app}"; Flags: ignoreversion recursesubdirs createallsubdirs
#else
Source: "{#DistDir}\*"; DestDir: "{app}"; Flags: ignoreversion recursesubdirs createallsubdirs
#endif

[InstallDelete]
; An upgrade replaces the whole bundle, so no stale library of an older version stays behind.
Type: filesandordirs; Name: "{app}\_internal"

[Icons]
Name: "{group}\{#AppName}"; Filename: "{app}\{#AppExe}"; WorkingDir: "{app}"
Name: "{group}\卸载 {#AppName}"; Filename: "{uninstallexe}"
Name: "{autodesktop}\{#AppName}"; Filename: "{app}\{#AppExe}"; WorkingDir: "{app}"; Tasks: desktopicon

[Run]
Filename: "{app}\{#AppExe}"; Description: "{cm:LaunchProgram,{#AppName}}"; Flags: nowait postinstall skipifsilent
