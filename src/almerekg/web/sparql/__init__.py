"""web/sparql"""
