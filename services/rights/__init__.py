"""A person's rights over their data (PIPL arts. 44–47): access, erasure, retention."""
