"""接待大厅: registering visitors, finding repeat ones, queues, receipts, hall devices."""
