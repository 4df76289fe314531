"""Account pages. Each view: validate the form, call a service, commit once, redirect."""

from __future__ import annotations

from flask import current_app, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_user, logout_user

from lms.accounts import bp, services
from lms.accounts.forms import (
    ChangePasswordForm,
    ForgotPasswordForm,
    LoginForm,
    ProfileForm,
    RegistrationForm,
    ResetPasswordForm,
)
from lms.accounts.tokens import user_for_reset_token
from lms.extensions import db, limiter
from lms.policy import login_required, public
from lms.web import form_error, safe_next


def _login_limit() -> str:
    return current_app.config["LOGIN_RATE_LIMIT"]


def _reset_limit() -> str:
    return current_app.config["RESET_RATE_LIMIT"]


@bp.route("/register", methods=["GET", "POST"])
@public
def register():
    if current_user.is_authenticated:
        return redirect(url_for("web.home"))
    form = RegistrationForm()
    if form.validate_on_submit():
        try:
            user = services.create_user(
                email=form.email.data,
                full_name=form.full_name.data,
                password=form.password.data,
                gender=form.gender.data,
                country=form.country.data,
                institution=form.institution.data,
                profile_role=form.profile_role.data,
            )
        except services.AccountError as error:
            db.session.rollback()
            form_error(form, error)
        else:
            services.record_login(user)
            db.session.commit()
            login_user(user)
            flash(_("Welcome! Your account is ready."), "success")
            return redirect(url_for("web.home"))
    return render_template("accounts/register.html", form=form), 400 if form.errors else 200


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
            form.form_errors.append(_("The email address or password is not correct."))
        elif not user.active:
            form.form_errors.append(
                _("This account has been deactivated. Please contact the platform administrators.")
            )
        else:
            login_user(user, remember=form.remember.data)
            services.record_login(user)
            db.session.commit()
            return redirect(safe_next(url_for("web.home")))
    return render_template("accounts/login.html", form=form), 400 if form.errors or form.form_errors else 200


@bp.post("/logout")
@login_required
def logout():
    logout_user()
    flash(_("You have signed out."), "info")
    return redirect(url_for("web.home"))


@bp.route("/account", methods=["GET", "POST"])
@login_required
def profile():
    form = ProfileForm(obj=current_user)
    if form.validate_on_submit():
        try:
            services.update_profile(
                current_user,
                full_name=form.full_name.data,
                gender=form.gender.data,
                country=form.country.data,
                institution=form.institution.data,
                profile_role=form.profile_role.data,
            )
        except services.AccountError as error:
            db.session.rollback()
            form_error(form, error)
        else:
            db.session.commit()
            flash(_("Your profile has been saved."), "success")
            return redirect(url_for("accounts.profile"))
    return render_template("accounts/profile.html", form=form), 400 if form.errors else 200


@bp.route("/account/password", methods=["GET", "POST"])
@login_required
def change_password():
    form = ChangePasswordForm()
    if form.validate_on_submit():
        try:
            services.change_password(current_user, form.current_password.data, form.password.data)
        except services.AccountError as error:
            db.session.rollback()
            form_error(form, error)
        else:
            db.session.commit()
            login_user(current_user._get_current_object())  # new session token: keep this session
            flash(_("Your password has been changed. Other devices have been signed out."), "success")
            return redirect(url_for("accounts.profile"))
    return render_template("accounts/change_password.html", form=form), 400 if form.errors else 200


@bp.route("/password/forgot", methods=["GET", "POST"])
@public
@limiter.limit(_reset_limit, methods=["POST"])
def forgot_password():
    form = ForgotPasswordForm()
    if form.validate_on_submit():
        services.request_password_reset(form.email.data)
        db.session.commit()
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
        try:
            services.set_password(user, form.password.data)
        except services.AccountError as error:
            db.session.rollback()
            form_error(form, error)
        else:
            db.session.commit()
            flash(_("Your password has been set. You can sign in now."), "success")
            return redirect(url_for("accounts.login"))
    return render_template("accounts/reset_password.html", form=form), 400 if form.errors else 200
