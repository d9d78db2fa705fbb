"""台账 and reports: the registers' rows, the monthly report, the dashboard's figures."""
