"""Account pages. Each view: validate the form, call a service, redirect; the request's unit of
work commits (lms/unit_of_work.py)."""

from __future__ import annotations

from flask import abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_user, logout_user

from lms.accounts import bp, services, sessions
from lms.accounts.forms import (
    ChangePasswordForm,
    ConfirmEmailForm,
    ForgotPasswordForm,
    LoginForm,
    ProfileForm,
    RegistrationForm,
    ResetPasswordForm,
)
from lms.accounts.tokens import user_for_confirmation_token, user_for_reset_token
from lms.extensions import limiter
from lms.forms import ActionForm
from lms.mail import bounce_of
from lms.policy import login_required, public
from lms.web import refusals_on, safe_next


def _login_limit() -> str:
    return current_app.config["LOGIN_RATE_LIMIT"]


def _reset_limit() -> str:
    return current_app.config["RESET_RATE_LIMIT"]


def _register_limit() -> str:
    return current_app.config["REGISTER_RATE_LIMIT"]


def _sign_in(user, remember: bool = False) -> None:
    """A new server-side session, then Flask-Login's cookies naming it."""
    services.sign_in(user, remember=remember, user_agent=request.user_agent.string)
    login_user(user, remember=remember)


@bp.route("/register", methods=["GET", "POST"])
@public
@limiter.limit(_register_limit, methods=["POST"])
def register():
    """Answers the same whether or not the address has an account (see services.register)."""
    if current_user.is_authenticated:
        return redirect(url_for("web.home"))
    form = RegistrationForm()
    if form.validate_on_submit():
        with refusals_on(form):
            registration = services.register(  # the mail leaves after the commit
                email=form.email.data,
                full_name=form.full_name.data,
                password=form.password.data,
                gender=form.gender.data,
                country=form.country.data,
                institution=form.institution.data,
                profile_role=form.profile_role.data,
            )
            return render_template("accounts/register_sent.html", email=registration.email)
    return render_template("accounts/register.html", form=form), 400 if form.errors else 200


@bp.route("/register/confirm/<token>", methods=["GET", "POST"])
@public
@limiter.limit(_login_limit, methods=["POST"])
def confirm_email(token: str):
    user = user_for_confirmation_token(token)
    if user is None:
        return render_template("accounts/confirm_invalid.html"), 400
    form = ConfirmEmailForm()
    if form.validate_on_submit():
        with refusals_on(form):
            services.confirm_email(user, form.password.data)
            if current_user.is_authenticated:  # someone else was signed in on this browser
                services.sign_out(current_user)
                logout_user()
            _sign_in(user)
            flash(_("Your email address is confirmed and your account is ready. Welcome!"), "success")
            return redirect(url_for("web.home"))
    status = 400 if form.errors or form.form_errors else 200
    return render_template("accounts/confirm_email.html", form=form, email=user.email), status


@bp.route("/login", methods=["GET", "POST"])
@public
@limiter.limit(_login_limit, methods=["POST"])
def login():
    if current_user.is_authenticated:
        return redirect(safe_next(url_for("web.home")))
    form = LoginForm()
    if form.validate_on_submit():
        user = services.authenticate(form.email.data, form.password.data)
        if user is None:
            services.sign_in_refused(form.email.data, "credentials")
            form.form_errors.append(_("The email address or password is not correct."))
        elif not user.active:
            services.sign_in_refused(form.email.data, "deactivated")
            form.form_errors.append(
                _("This account has been deactivated. Please contact the platform administrators.")
            )
        elif user.awaiting_confirmation:  # only said to someone who knows the password
            services.sign_in_refused(form.email.data, "unconfirmed")
            services.send_confirmation_link(user, whatever_happens=True)
            form.form_errors.append(
                _("Please confirm your email address first: we have sent you a new link. Check your inbox.")
            )
        else:
            _sign_in(user, remember=form.remember.data)
            return redirect(safe_next(url_for("web.home")))
    return render_template("accounts/login.html", form=form), 400 if form.errors or form.form_errors else 200


@bp.post("/logout")
@login_required
def logout():
    services.sign_out(current_user)
    logout_user()
    flash(_("You have signed out."), "info")
    return redirect(url_for("web.home"))


@bp.post("/account/sessions/end-all")
@login_required
def end_all_sessions():
    """Sign out everywhere: every session of the account, this one included."""
    if not ActionForm().validate_on_submit():
        abort(400)
    services.sign_out_everywhere(current_user)
    logout_user()
    flash(_("You have been signed out on every device, including this one."), "info")
    return redirect(url_for("accounts.login"))


@bp.post("/account/sessions/<int:session_id>/end")
@login_required
def end_session(session_id: int):
    """Sign out one other device; another person's session id is 404, like an unknown one."""
    if not ActionForm().validate_on_submit():
        abort(400)
    if session_id == current_user.sign_in_id:
        return logout()
    if not sessions.end_other(current_user, session_id):
        abort(404)
    flash(_("That device has been signed out."), "success")
    return redirect(url_for("accounts.profile"))


@bp.route("/account", methods=["GET", "POST"])
@login_required
def profile():
    form = ProfileForm(obj=current_user)
    if form.validate_on_submit():
        with refusals_on(form):
            services.update_profile(
                current_user,
                full_name=form.full_name.data,
                gender=form.gender.data,
                country=form.country.data,
                institution=form.institution.data,
                profile_role=form.profile_role.data,
            )
            flash(_("Your profile has been saved."), "success")
            return redirect(url_for("accounts.profile"))
    return render_template(
        "accounts/profile.html",
        form=form,
        sessions=sessions.live_sessions(current_user),
        current_session_id=current_user.sign_in_id,
        bounce=bounce_of(current_user.email),
    ), 400 if form.errors else 200


@bp.route("/account/password", methods=["GET", "POST"])
@login_required
def change_password():
    form = ChangePasswordForm()
    if form.validate_on_submit():
        with refusals_on(form):
            services.change_password(current_user, form.current_password.data, form.password.data)
            flash(_("Your password has been changed. Other devices have been signed out."), "success")
            return redirect(url_for("accounts.profile"))
    return render_template("accounts/change_password.html", form=form), 400 if form.errors else 200


@bp.route("/password/forgot", methods=["GET", "POST"])
@public
@limiter.limit(_reset_limit, methods=["POST"])
def forgot_password():
    form = ForgotPasswordForm()
    if form.validate_on_submit():
        services.request_password_reset(form.email.data)  # the mail leaves after the commit
        return render_template("accounts/reset_requested.html")
    return render_template("accounts/forgot_password.html", form=form), 400 if form.errors else 200


@bp.route("/password/reset/<token>", methods=["GET", "POST"])
@public
@limiter.limit(_reset_limit, methods=["POST"])
def reset_password(token: str):
    user = user_for_reset_token(token)
    if user is None:
        return render_template("accounts/reset_invalid.html"), 400
    form = ResetPasswordForm()
    if form.validate_on_submit():
        with refusals_on(form):
            services.set_password(user, form.password.data)
            flash(_("Your password has been set. You can sign in now."), "success")
            return redirect(url_for("accounts.login"))
    return render_template("accounts/reset_password.html", form=form), 400 if form.errors else 200
