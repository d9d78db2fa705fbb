"""心理咨询室 pages: the case list and the case editor (one widget per tab)."""
