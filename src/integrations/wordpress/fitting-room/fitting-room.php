<?php
/**
 * Plugin Name:       Fitting Room
 * Plugin URI:        https://github.com/fitting-room/fitting-room
 * Description:       Virtual try-on: a "Try it on" button on product pages. Shortcode [fitting_room], a block, and automatic insertion on WooCommerce product pages.
 * Version:           0.1.0
 * Requires at least: 6.0
 * Requires PHP:      7.4
 * License:           MIT
 * Text Domain:       fitting-room
 *
 * The button talks only to your Fitting Room proxy (setting "Proxy endpoint"), which holds
 * the try-on provider's credentials. See readme.txt.
 */

defined( 'ABSPATH' ) || exit;

const FITTING_ROOM_VERSION = '0.1.0';
const FITTING_ROOM_OPTION  = 'fitting_room_options';

/** Element attributes a shortcode or block may set, and how each value is escaped. */
const FITTING_ROOM_ATTRIBUTES = array(
	'endpoint'    => 'url',
	'garment'     => 'url',
	'category'    => 'category',
	'product-id'  => 'text',
	'variant-id'  => 'text',
	'label'       => 'text',
	'locale'      => 'text',
	'privacy-url' => 'url',
	'discover'    => 'text',
	'analytics'   => 'text',
	'holdout'     => 'text',
	'experiment'  => 'text',
);

/** The block's camelCase attribute names (lower-cased, as shortcodes lower-case theirs). */
const FITTING_ROOM_ALIASES = array(
	'productid'  => 'product-id',
	'variantid'  => 'variant-id',
	'privacyurl' => 'privacy-url',
);

const FITTING_ROOM_CATEGORIES = array( 'top', 'bottom', 'dress', 'outerwear', 'full', 'shoes', 'bag', 'accessory' );

/** The plugin's settings with their defaults. */
function fitting_room_options() {
	$saved = get_option( FITTING_ROOM_OPTION, array() );
	return array_merge(
		array(
			'endpoint'    => '/fitting-room',
			'auto_insert' => true,
			'label'       => '',
			'script_url'  => '',
			'holdout'     => 0,
			'experiment'  => '',
		),
		is_array( $saved ) ? $saved : array()
	);
}

/** The widget's ES module: the copy in build/, or the URL the settings name. */
function fitting_room_script_url() {
	$options = fitting_room_options();
	return $options['script_url'] ? $options['script_url'] : plugins_url( 'build/fitting-room.js', __FILE__ );
}

/** Loads the widget once per page: as a script module on WordPress 6.5+, else as a classic handle made type="module". */
function fitting_room_enqueue() {
	if ( function_exists( 'wp_enqueue_script_module' ) ) {
		wp_enqueue_script_module( 'fitting-room', fitting_room_script_url(), array(), FITTING_ROOM_VERSION );
	} else {
		wp_enqueue_script( 'fitting-room', fitting_room_script_url(), array(), FITTING_ROOM_VERSION, true );
	}
	wp_enqueue_style( 'fitting-room', plugins_url( 'assets/fitting-room.css', __FILE__ ), array(), FITTING_ROOM_VERSION );
}

/** Before WordPress 6.5: the classic handle becomes a module script. */
function fitting_room_module_tag( $tag, $handle ) {
	if ( 'fitting-room' !== $handle || false !== strpos( $tag, 'type="module"' ) ) {
		return $tag;
	}
	return preg_replace( '/<script(?![^>]*\btype=)/', '<script type="module"', str_replace( array( " type='text/javascript'", ' type="text/javascript"' ), '', $tag ), 1 );
}
add_filter( 'script_loader_tag', 'fitting_room_module_tag', 10, 2 );

/** Whether WooCommerce is active: its option and its product button only then. */
function fitting_room_has_woocommerce() {
	return class_exists( 'WooCommerce' ) || function_exists( 'wc_get_product' );
}

/**
 * Whether a URL attribute's value can be used: esc_url keeps something of it, and an endpoint is
 * a path (`/fitting-room`) or an http(s) URL with a host. Anything else is dropped, so a block's
 * mistyped endpoint falls back to the site's setting instead of replacing it.
 */
function fitting_room_valid_url( $name, $value ) {
	if ( '' === esc_url( $value ) ) {
		return false;
	}
	return 'endpoint' !== $name || (bool) preg_match( '~^(/(?!/)|https?://[^/\s?#]+)~i', $value );
}

/**
 * Shortcode and block attributes → element attributes. Names are taken with hyphens or
 * underscores (`product_id` = `product-id`); unknown names, invalid categories and unusable
 * URLs are dropped.
 */
function fitting_room_attributes( $atts ) {
	$out = array();
	foreach ( (array) $atts as $name => $value ) {
		if ( ! is_string( $name ) || is_array( $value ) || null === $value ) {
			continue;
		}
		$name = strtolower( str_replace( '_', '-', $name ) );
		$name = isset( FITTING_ROOM_ALIASES[ $name ] ) ? FITTING_ROOM_ALIASES[ $name ] : $name;
		if ( ! isset( FITTING_ROOM_ATTRIBUTES[ $name ] ) || '' === trim( (string) $value ) ) {
			continue;
		}
		$value = trim( (string) $value );
		if ( 'category' === FITTING_ROOM_ATTRIBUTES[ $name ] && ! in_array( strtolower( $value ), FITTING_ROOM_CATEGORIES, true ) ) {
			continue;
		}
		if ( 'url' === FITTING_ROOM_ATTRIBUTES[ $name ] && ! fitting_room_valid_url( $name, $value ) ) {
			continue;
		}
		$out[ $name ] = 'category' === FITTING_ROOM_ATTRIBUTES[ $name ] ? strtolower( $value ) : $value;
	}
	return $out;
}

/**
 * The one renderer: shortcode, block and WooCommerce insertion all print this. Every value is
 * escaped for an HTML attribute; URLs go through esc_url (no javascript: and the like).
 */
function fitting_room_render( $atts = array() ) {
	$options    = fitting_room_options();
	$attributes = array_merge(
		array_filter(
			array(
				'endpoint'   => $options['endpoint'],
				'label'      => $options['label'],
				// The holdout's share of browsers: the setting is a percentage.
				'holdout'    => $options['holdout'] > 0 ? (string) ( $options['holdout'] / 100 ) : '',
				'experiment' => $options['experiment'],
			)
		),
		fitting_room_attributes( $atts )
	);
	fitting_room_enqueue();

	$html = '<fitting-room';
	foreach ( $attributes as $name => $value ) {
		$escaped = 'url' === FITTING_ROOM_ATTRIBUTES[ $name ] ? esc_url( $value ) : esc_attr( $value );
		if ( '' === $escaped ) {
			continue;
		}
		$html .= ' ' . $name . '="' . $escaped . '"';
	}
	return $html . '></fitting-room>';
}

/** [fitting_room garment="…" category="top" label="…"] */
function fitting_room_shortcode( $atts ) {
	return fitting_room_render( is_array( $atts ) ? $atts : array() );
}
add_shortcode( 'fitting_room', 'fitting_room_shortcode' );

/** The block (block/block.json) renders on the server with the same function. */
function fitting_room_register_block() {
	register_block_type(
		__DIR__ . '/block',
		array( 'render_callback' => 'fitting_room_render_block' )
	);
}
add_action( 'init', 'fitting_room_register_block' );

function fitting_room_render_block( $attributes ) {
	return fitting_room_render( is_array( $attributes ) ? $attributes : array() );
}

/**
 * WooCommerce: the button after the add-to-cart form (outside it, so it never submits the
 * form), with the product's image, id and category. Variations are followed in the browser
 * through WooCommerce's own `found_variation` / `reset_image` events.
 */
function fitting_room_product_button() {
	$options = fitting_room_options();
	if ( empty( $options['auto_insert'] ) || ! fitting_room_has_woocommerce() ) {
		return;
	}
	global $product;
	$item = is_object( $product ) ? $product : wc_get_product( get_the_ID() );
	if ( ! $item ) {
		return;
	}
	$image = $item->get_image_id() ? wp_get_attachment_image_url( $item->get_image_id(), 'full' ) : '';
	echo fitting_room_render( // phpcs:ignore WordPress.Security.EscapeOutput -- escaped in fitting_room_render.
		array(
			'garment'    => $image ? $image : '',
			'product-id' => (string) $item->get_id(),
			'category'   => (string) get_post_meta( $item->get_id(), '_fitting_room_category', true ),
		)
	);
}
add_action( 'woocommerce_after_add_to_cart_form', 'fitting_room_product_button' );

/* ---- Settings › Fitting Room ------------------------------------------------------------ */

function fitting_room_admin_menu() {
	add_options_page( 'Fitting Room', 'Fitting Room', 'manage_options', 'fitting-room', 'fitting_room_settings_page' );
}
add_action( 'admin_menu', 'fitting_room_admin_menu' );

function fitting_room_register_settings() {
	register_setting(
		'fitting_room',
		FITTING_ROOM_OPTION,
		array(
			'type'              => 'array',
			'sanitize_callback' => 'fitting_room_sanitize_options',
			'default'           => array(),
		)
	);
}
add_action( 'admin_init', 'fitting_room_register_settings' );

function fitting_room_sanitize_options( $input ) {
	$input    = is_array( $input ) ? $input : array();
	$endpoint = isset( $input['endpoint'] ) ? esc_url_raw( trim( $input['endpoint'] ) ) : '';
	return array(
		'endpoint'    => '' !== $endpoint ? $endpoint : '/fitting-room',
		'auto_insert' => ! empty( $input['auto_insert'] ),
		'label'       => isset( $input['label'] ) ? sanitize_text_field( $input['label'] ) : '',
		'script_url'  => isset( $input['script_url'] ) ? esc_url_raw( trim( $input['script_url'] ) ) : '',
		'holdout'     => isset( $input['holdout'] ) ? max( 0, min( 50, (int) $input['holdout'] ) ) : 0,
		'experiment'  => isset( $input['experiment'] ) ? sanitize_text_field( $input['experiment'] ) : '',
	);
}

function fitting_room_settings_page() {
	if ( ! current_user_can( 'manage_options' ) ) {
		return;
	}
	$options = fitting_room_options();
	$name    = FITTING_ROOM_OPTION;
	?>
	<div class="wrap">
		<h1>Fitting Room</h1>
		<form method="post" action="options.php">
			<?php settings_fields( 'fitting_room' ); ?>
			<table class="form-table" role="presentation">
				<tr>
					<th scope="row"><label for="fitting-room-endpoint">Proxy endpoint</label></th>
					<td>
						<input id="fitting-room-endpoint" class="regular-text" type="text" name="<?php echo esc_attr( $name ); ?>[endpoint]" value="<?php echo esc_attr( $options['endpoint'] ); ?>">
						<p class="description">Where your Fitting Room proxy answers, e.g. <code>/fitting-room</code> or <code>https://try-on.example.com</code>.</p>
					</td>
				</tr>
				<?php if ( fitting_room_has_woocommerce() ) : ?>
				<tr>
					<th scope="row">WooCommerce</th>
					<td>
						<label><input type="checkbox" name="<?php echo esc_attr( $name ); ?>[auto_insert]" value="1" <?php checked( ! empty( $options['auto_insert'] ) ); ?>> Add the button to every product page, after the add-to-cart form</label>
					</td>
				</tr>
				<?php else : ?>
				<input type="hidden" name="<?php echo esc_attr( $name ); ?>[auto_insert]" value="<?php echo empty( $options['auto_insert'] ) ? '' : '1'; ?>">
				<?php endif; ?>
				<tr>
					<th scope="row"><label for="fitting-room-label">Button text</label></th>
					<td><input id="fitting-room-label" class="regular-text" type="text" name="<?php echo esc_attr( $name ); ?>[label]" value="<?php echo esc_attr( $options['label'] ); ?>" placeholder="Try it on"></td>
				</tr>
				<tr>
					<th scope="row"><label for="fitting-room-script">Widget script URL</label></th>
					<td>
						<input id="fitting-room-script" class="regular-text" type="url" name="<?php echo esc_attr( $name ); ?>[script_url]" value="<?php echo esc_attr( $options['script_url'] ); ?>">
						<p class="description">Leave empty to use the copy bundled with this plugin.</p>
					</td>
				</tr>
				<tr>
					<th scope="row"><label for="fitting-room-holdout">Holdout (measures lift)</label></th>
					<td>
						<input id="fitting-room-holdout" class="small-text" type="number" min="0" max="50" step="1" name="<?php echo esc_attr( $name ); ?>[holdout]" value="<?php echo esc_attr( (string) $options['holdout'] ); ?>"> %
						<p class="description">A stable random share of browsers sees no button, so the dashboard can compare add-to-cart rates honestly. 0 turns it off.</p>
					</td>
				</tr>
				<tr>
					<th scope="row"><label for="fitting-room-experiment">Experiment name</label></th>
					<td>
						<input id="fitting-room-experiment" class="regular-text" type="text" name="<?php echo esc_attr( $name ); ?>[experiment]" value="<?php echo esc_attr( $options['experiment'] ); ?>">
						<p class="description">Change it to draw every browser's arm again.</p>
					</td>
				</tr>
			</table>
			<?php submit_button(); ?>
		</form>
	</div>
	<?php
}
