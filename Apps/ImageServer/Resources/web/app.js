// Placeholder: the web page script (written on branch `page`).
