print("mnist: coming soon")
