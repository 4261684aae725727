"""web/linkeddata"""
