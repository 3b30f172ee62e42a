"""Ways of mapping extract over articles: in this process (local) or on a Dask cluster."""
