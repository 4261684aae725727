"""almerekg: the report 'Groei door samenwerking in Almere' (2011) as a knowledge graph."""

__version__ = "0.1.0"
