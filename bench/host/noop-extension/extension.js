// The activation-time baseline: the cheapest extension VS Code can load and activate.
exports.activate = function activate() {};
exports.deactivate = function deactivate() {};
