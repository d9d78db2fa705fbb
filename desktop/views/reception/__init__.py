"""接待大厅 in the window: registration, the queues, hall display, kiosk, card reader."""
