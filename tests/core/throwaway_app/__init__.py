"""An app that exists only to prove new apps plug in through the registry alone."""
