"""系统设置 and the first-start wizard: the admin's dialogs."""
