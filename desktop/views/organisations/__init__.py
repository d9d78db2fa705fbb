"""The 社会组织工作室's page and its editors."""
