"""The knowledge graph, built from data/: one module per family of data files, each writing named graphs.

`pipeline.py` puts them together: data/ -> RDF in named graphs -> SHACL validation -> a new store folder,
swapped in atomically. The other modules read one family of data files each (rows keep file:line).
"""
