print("classify: coming soon")
