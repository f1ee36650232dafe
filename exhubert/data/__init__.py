"""EmoSet++ data: corpus script interface, label mapping, splits and the dataset builder."""
