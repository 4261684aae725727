"""web/network: the partnerships of the report as a server-drawn picture beside a list, at /network."""
