"""The 警民联络室's page and its editors."""
