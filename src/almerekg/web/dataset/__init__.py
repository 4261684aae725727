"""web/dataset"""
