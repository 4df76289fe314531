from lms.hub import bp
from lms.policy import public


@bp.get("/hub")
@public
def browse():
    return "hub"
