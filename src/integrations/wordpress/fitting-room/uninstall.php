<?php
// Removes the plugin's settings when it is deleted from Plugins.
defined( 'WP_UNINSTALL_PLUGIN' ) || exit;
delete_option( 'fitting_room_options' );
