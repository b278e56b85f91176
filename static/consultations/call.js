// The doctor's call page: embeds Jitsi Meet with the IFrame API loaded from the consultation's jitsiDomain.
// Configuration comes from data- attributes on #jitsi-meet (no inline script, so the CSP can stay strict).
(function () {
  "use strict";
  var node = document.getElementById("jitsi-meet");
  if (!node) {
    return;
  }
  var status = document.getElementById("jitsi-status");
  function say(text) {
    if (status) {
      status.textContent = text;
    }
  }
  if (typeof window.JitsiMeetExternalAPI !== "function") {
    say("The video call could not be loaded from " + node.dataset.domain +
        ". Check your connection, then reload this page.");
    node.setAttribute("data-state", "unavailable");
    return;
  }
  var password = node.dataset.password;
  var api = new window.JitsiMeetExternalAPI(node.dataset.domain, {
    roomName: node.dataset.room,
    parentNode: node,
    width: "100%",
    height: "100%",
    userInfo: { displayName: node.dataset.displayName },
    configOverwrite: { subject: node.dataset.subject, prejoinPageEnabled: false },
  });
  node.setAttribute("data-state", "loading");
  say("Connecting to the consultation room…");
  // The first to join (the doctor) locks the room with its password; later joiners are asked for it.
  api.addEventListener("videoConferenceJoined", function () {
    node.setAttribute("data-state", "joined");
    say("You are in the consultation room.");
    if (password) {
      api.executeCommand("password", password);
    }
  });
  api.addEventListener("passwordRequired", function () {
    if (password) {
      api.executeCommand("password", password);
    }
  });
  api.addEventListener("readyToClose", function () {
    say("You left the call. End the consultation below when you are done.");
  });
})();
