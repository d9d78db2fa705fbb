"""Excel exports: registers (台账), the monthly report, import templates. No Qt here."""
