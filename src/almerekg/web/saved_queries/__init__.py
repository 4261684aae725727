"""web/saved_queries"""
