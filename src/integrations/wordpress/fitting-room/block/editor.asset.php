<?php
// Dependencies of editor.js (no build step: it uses the wp.* globals these handles provide).
return array(
	'dependencies' => array( 'wp-blocks', 'wp-element', 'wp-block-editor', 'wp-components', 'wp-i18n' ),
	'version'      => '0.1.0',
);
