print("render-digits: coming soon")
