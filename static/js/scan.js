// Scan a code with the camera where the browser has the BarcodeDetector API; elsewhere the
// Scan button stays hidden and the code is typed. A button [data-scan="<input id>"] fills
// that input and submits the form named by data-form.
(function () {
  "use strict";
  if (!("BarcodeDetector" in window) || !navigator.mediaDevices) { return; }
  document.querySelectorAll("[data-scan]").forEach(function (button) {
    var input = document.getElementById(button.getAttribute("data-scan"));
    var form = document.getElementById(button.getAttribute("data-form"));
    var video = document.querySelector('[data-scanner="' + button.getAttribute("data-scan") + '"]');
    if (!input || !form || !video) { return; }
    button.hidden = false;
    button.addEventListener("click", function () {
      var detector = new window.BarcodeDetector({ formats: ["qr_code"] });
      navigator.mediaDevices.getUserMedia({ video: { facingMode: "environment" } }).then(function (stream) {
        video.srcObject = stream;
        video.hidden = false;
        video.play();
        var stop = function () { stream.getTracks().forEach(function (t) { t.stop(); }); video.hidden = true; };
        var look = function () {
          detector.detect(video).then(function (codes) {
            if (codes.length) {
              stop();
              input.value = codes[0].rawValue;
              form.requestSubmit();
            } else {
              setTimeout(look, 250);
            }
          }, function () { setTimeout(look, 500); });
        };
        look();
      }, function () { button.hidden = true; });  // no camera, or it was refused: type instead
    });
  });
})();
