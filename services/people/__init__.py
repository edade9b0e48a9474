"""People and households: who someone is, how to reach them, who acts for them, who lives with them."""
