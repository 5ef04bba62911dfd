/* authsite: the pages work without this script; it adds "Show password" buttons.
   Loaded from the site itself (the Content Security Policy allows no inline script). */
"use strict";

document.addEventListener("DOMContentLoaded", function () {
  document.querySelectorAll("button.password-toggle").forEach(function (button) {
    var input = document.getElementById(button.getAttribute("aria-controls"));
    if (!input) {
      return;
    }
    button.hidden = false;
    button.addEventListener("click", function () {
      var show = input.type === "password";
      input.type = show ? "text" : "password";
      button.textContent = show ? button.dataset.hide : button.dataset.show;
    });
  });
  // A form sent with the password showing must not leave it in the browser's
  // form history or autofill as plain text.
  document.querySelectorAll("form").forEach(function (form) {
    form.addEventListener("submit", function () {
      form.querySelectorAll("button.password-toggle").forEach(function (button) {
        var input = document.getElementById(button.getAttribute("aria-controls"));
        if (input) {
          input.type = "password";
        }
      });
    });
  });
});

// The browser's time zone, sent with the sign-in form: the site shows times in it
// until the user picks another on the profile.
document.addEventListener("DOMContentLoaded", function () {
  var zone = "";
  try {
    zone = Intl.DateTimeFormat().resolvedOptions().timeZone || "";
  } catch (error) {
    return;
  }
  document.querySelectorAll("input[data-time-zone]").forEach(function (input) {
    input.value = zone;
  });
});
