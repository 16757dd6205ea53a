"""Qt-free core of Inkling: engine, store, prompt building, model discovery."""
