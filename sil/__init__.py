"""OpenSIL: the Sistema Informativo Lavoro of a Region and its Centri per l'Impiego."""

__version__ = "0.1.0"
