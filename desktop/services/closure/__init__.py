"""回复 and 评价 for every matter: replies, ratings, rectifications, the working-day calendar."""
