// Django's admin JavaScript strings (SelectFilter2, calendar) that its bundled zh_Hans catalogue
// lacks; makemessages -d djangojs keeps them in our catalogue (LOCALE_PATHS wins). Never loaded.
gettext('Choose %s by selecting them and then select the "Choose" arrow button.');
gettext('Choose all %s');
gettext('Choose selected %s');
gettext('Remove selected %s');
gettext('Remove %s by selecting them and then select the "Remove" arrow button.');
gettext('(click to clear)');
gettext('Remove all %s');
