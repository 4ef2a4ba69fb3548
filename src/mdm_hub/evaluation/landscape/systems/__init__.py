"""Each system's view of the firm: which records it holds, under which IDs, spelled and
formatted its way, in the columns of its own export."""
