"""lzengine: converge secure AI landing zones on Azure."""
