/* authsite passkeys: the browser's half of the WebAuthn ceremonies.
   The server sends options and takes answers in the JSON forms of WebAuthn Level 3;
   browsers that have PublicKeyCredential.parseCreationOptionsFromJSON and toJSON use
   them, others get the small base64url conversion below. Served by the site itself
   (the Content Security Policy allows no other script). */
"use strict";

(function () {
  function toBytes(text) {
    var base64 = text.replace(/-/g, "+").replace(/_/g, "/");
    while (base64.length % 4) {
      base64 += "=";
    }
    var binary = atob(base64);
    var bytes = new Uint8Array(binary.length);
    for (var i = 0; i < binary.length; i++) {
      bytes[i] = binary.charCodeAt(i);
    }
    return bytes.buffer;
  }

  function toText(buffer) {
    var bytes = new Uint8Array(buffer);
    var binary = "";
    for (var i = 0; i < bytes.length; i++) {
      binary += String.fromCharCode(bytes[i]);
    }
    return btoa(binary).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
  }

  function descriptors(list) {
    return (list || []).map(function (item) {
      return Object.assign({}, item, { id: toBytes(item.id) });
    });
  }

  function creationOptions(json) {
    if (PublicKeyCredential.parseCreationOptionsFromJSON) {
      return PublicKeyCredential.parseCreationOptionsFromJSON(json);
    }
    return Object.assign({}, json, {
      challenge: toBytes(json.challenge),
      user: Object.assign({}, json.user, { id: toBytes(json.user.id) }),
      excludeCredentials: descriptors(json.excludeCredentials)
    });
  }

  function requestOptions(json) {
    if (PublicKeyCredential.parseRequestOptionsFromJSON) {
      return PublicKeyCredential.parseRequestOptionsFromJSON(json);
    }
    return Object.assign({}, json, {
      challenge: toBytes(json.challenge),
      allowCredentials: descriptors(json.allowCredentials)
    });
  }

  function credentialJSON(credential) {
    if (typeof credential.toJSON === "function") {
      return credential.toJSON();
    }
    var response = credential.response;
    var json = {
      id: credential.id,
      rawId: toText(credential.rawId),
      type: credential.type,
      authenticatorAttachment: credential.authenticatorAttachment || null,
      clientExtensionResults: credential.getClientExtensionResults(),
      response: { clientDataJSON: toText(response.clientDataJSON) }
    };
    if (response.attestationObject) {
      json.response.attestationObject = toText(response.attestationObject);
      json.response.transports = response.getTransports ? response.getTransports() : [];
    } else {
      json.response.authenticatorData = toText(response.authenticatorData);
      json.response.signature = toText(response.signature);
      json.response.userHandle = response.userHandle ? toText(response.userHandle) : null;
    }
    return json;
  }

  function post(form, url, body) {
    return fetch(url, {
      method: "POST",
      credentials: "same-origin",
      headers: {
        "Content-Type": "application/json",
        "X-CSRFToken": form.querySelector("[name=csrfmiddlewaretoken]").value
      },
      body: JSON.stringify(body || {})
    }).then(function (response) {
      return response.json().then(function (data) {
        if (!response.ok) {
          var error = new Error(data.detail || "");
          error.answer = data;
          throw error;
        }
        return data;
      });
    });
  }

  function showError(box, form, error) {
    if (error && error.answer && error.answer.redirect) {
      window.location.assign(error.answer.redirect);
      return;
    }
    box.textContent = (error && error.answer && error.answer.detail) || form.dataset.failed;
    box.hidden = false;
  }

  function setUpAdding(form) {
    var box = document.getElementById("passkey-add-error");
    form.addEventListener("submit", function (event) {
      event.preventDefault();
      box.hidden = true;
      if (!window.PublicKeyCredential) {
        box.textContent = form.dataset.unsupported;
        box.hidden = false;
        return;
      }
      post(form, form.dataset.begin)
        .then(function (options) {
          return navigator.credentials.create({ publicKey: creationOptions(options) });
        })
        .then(function (credential) {
          return post(form, form.dataset.complete, {
            name: form.querySelector("[name=name]").value,
            credential: credentialJSON(credential)
          });
        })
        .then(function (answer) {
          window.location.assign(answer.redirect);
        })
        .catch(function (error) {
          showError(box, form, error);
        });
    });
  }

  // Sign in with a passkey: without a password (offered in the username field's
  // autofill too, when the browser can), or as the second step after one.
  function setUpSignIn(form, offerInAutofill) {
    if (!window.PublicKeyCredential) {
      return;
    }
    form.hidden = false;
    var box = form.querySelector(".form-errors");
    var next = form.querySelector("[name=next]");
    var pending = null;

    function signIn(mediation, signal) {
      return post(form, form.dataset.begin)
        .then(function (options) {
          var request = { publicKey: requestOptions(options) };
          if (mediation) {
            request.mediation = mediation;
            request.signal = signal;
          }
          return navigator.credentials.get(request);
        })
        .then(function (credential) {
          return post(form, form.dataset.complete, {
            credential: credentialJSON(credential),
            next: next ? next.value : ""
          });
        })
        .then(function (answer) {
          window.location.assign(answer.redirect);
        });
    }

    // The browser's autofill offer on the username field (conditional mediation).
    if (offerInAutofill && PublicKeyCredential.isConditionalMediationAvailable) {
      PublicKeyCredential.isConditionalMediationAvailable().then(function (available) {
        if (!available) {
          return;
        }
        var controller = new AbortController();
        pending = {
          controller: controller,
          done: signIn("conditional", controller.signal).catch(function (error) {
            if (error && error.name !== "AbortError") {
              showError(box, form, error);
            }
          })
        };
      });
    }

    form.addEventListener("submit", function (event) {
      event.preventDefault();
      box.hidden = true;
      var ready = Promise.resolve();
      if (pending) {
        // One WebAuthn request at a time: end the autofill offer first.
        pending.controller.abort();
        ready = pending.done;
        pending = null;
      }
      ready
        .then(function () {
          return signIn(null, null);
        })
        .catch(function (error) {
          showError(box, form, error);
        });
    });
  }

  document.addEventListener("DOMContentLoaded", function () {
    var adding = document.getElementById("passkey-add");
    if (adding) {
      setUpAdding(adding);
    }
    var signingIn = document.getElementById("passkey-sign-in");
    if (signingIn) {
      setUpSignIn(signingIn, true);
    }
    var secondStep = document.getElementById("passkey-second-step");
    if (secondStep) {
      setUpSignIn(secondStep, false);
    }
  });
})();
