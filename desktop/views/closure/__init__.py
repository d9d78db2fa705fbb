"""The 回复评价 page: matters to reply to, ratings to record, rectifications to follow."""
