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
