// The probe itself does nothing: its test runner (run-tests.js) checks the installed Switchboard extension.
exports.activate = () => {};
exports.deactivate = () => {};
