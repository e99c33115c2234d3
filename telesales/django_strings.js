// Django's admin JavaScript strings (SelectFilter2, calendar) that its bundled zh_Hans catalogue
// lacks; makemessages -d djangojs keeps them in our catalogue (LOCALE_PATHS wins). Never loaded.
gettext('Choose %s by selecting them and then select the "Choose" arrow button.');
gettext('Choose all %s');
gettext('Choose selected %s');
gettext('Remove selected %s');
gettext('Remove %s by selecting them and then select the "Remove" arrow button.');
gettext('(click to clear)');
gettext('Remove all %s');
// Django's zh_Hans wording names the buttons in English ("OK", "Go", "Save"); ours names them as shown.
gettext('You have selected an action, but you haven’t saved your changes to individual fields yet. Please click OK to save. You’ll need to re-run the action.');
gettext('You have selected an action, and you haven’t made any changes on individual fields. You’re probably looking for the Go button rather than the Save button.');
