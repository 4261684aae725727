"""web/report: the report's own text at /report, where every citation on the site leads."""
