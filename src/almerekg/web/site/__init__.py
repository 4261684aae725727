"""web/site"""
