"""Reference data: code sets (the canonical codes of a coded attribute) and how each source
system's spellings map to them. Pure: files are read by `mdm_hub.onboarding.reference_files`."""
