"""A bare Flask application: the baseline the lesson page is compared with."""

from flask import Flask

app = Flask(__name__)


@app.get("/")
def hello():
    return "Hello"
