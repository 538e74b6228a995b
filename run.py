"""`python run.py`: the web app for a single machine (`make run`)."""
import os

from caseflow import create_app

app = create_app()

if __name__ == "__main__":
    app.run(host=os.environ.get("HOST", "127.0.0.1"), port=int(os.environ.get("PORT", "5000")))
