<?php
/**
 * Loads the WordPress plugin with the WordPress functions it uses stubbed (escaping as
 * WordPress escapes), runs the shortcode, the block, the WooCommerce hook and the settings
 * sanitizer, and prints what they produced as JSON for test/integrations/wordpress.test.ts.
 *
 *   php harness.php            WordPress 6.5+ (wp_enqueue_script_module exists)
 *   php harness.php legacy     older WordPress (classic script made type="module" by a filter)
 *   php harness.php no-woocommerce   WooCommerce not active (no WooCommerce class or functions)
 */

define( 'ABSPATH', __DIR__ . '/' );
/** The site's origin, for the browser test to serve the output (FR_SITE=http://127.0.0.1:PORT). */
$GLOBALS['site'] = getenv( 'FR_SITE' ) ?: 'https://shop.example';
$legacy = in_array( 'legacy', $argv, true );
$woocommerce = ! in_array( 'no-woocommerce', $argv, true );

$GLOBALS['fr'] = array(
	'options'   => array(),
	'actions'   => array(),
	'filters'   => array(),
	'shortcodes'=> array(),
	'blocks'    => array(),
	'modules'   => array(),
	'scripts'   => array(),
	'styles'    => array(),
	'meta'      => array(),
);

function add_action( $hook, $callback, $priority = 10, $args = 1 ) { $GLOBALS['fr']['actions'][ $hook ][] = $callback; }
function add_filter( $hook, $callback, $priority = 10, $args = 1 ) { $GLOBALS['fr']['filters'][ $hook ][] = $callback; }
function do_action( $hook, ...$args ) { foreach ( $GLOBALS['fr']['actions'][ $hook ] ?? array() as $callback ) { $callback( ...$args ); } }
function apply_filters( $hook, $value, ...$args ) { foreach ( $GLOBALS['fr']['filters'][ $hook ] ?? array() as $callback ) { $value = $callback( $value, ...$args ); } return $value; }
function add_shortcode( $tag, $callback ) { $GLOBALS['fr']['shortcodes'][ $tag ] = $callback; }
function register_block_type( $path, $args = array() ) { $GLOBALS['fr']['blocks'][] = array( 'path' => $path, 'args' => $args ); }
function get_option( $name, $default = false ) { return $GLOBALS['fr']['options'][ $name ] ?? $default; }
function plugins_url( $path, $file ) { return $GLOBALS['site'] . '/wp-content/plugins/' . basename( dirname( $file ) ) . '/' . $path; }
function wp_enqueue_script( $handle, $src, $deps = array(), $ver = false, $args = array() ) { $GLOBALS['fr']['scripts'][ $handle ] = $src; }
function wp_enqueue_style( $handle, $src, $deps = array(), $ver = false ) { $GLOBALS['fr']['styles'][ $handle ] = $src; }
if ( ! $legacy ) {
	function wp_enqueue_script_module( $id, $src, $deps = array(), $version = false ) { $GLOBALS['fr']['modules'][ $id ] = $src; }
}
function get_post_meta( $id, $key, $single = false ) { return $GLOBALS['fr']['meta'][ $id ][ $key ] ?? ''; }
function get_the_ID() { return 0; }
if ( $woocommerce ) {
	function wc_get_product( $id ) { return null; }
}
function current_user_can( $capability ) { return true; }
function settings_fields( $group ) { echo '<input type="hidden" name="option_page" value="' . esc_attr( $group ) . '">'; }
function checked( $checked ) { echo $checked ? ' checked=\'checked\'' : ''; }
function submit_button() { echo '<input type="submit" name="submit" value="Save Changes">'; }
function wp_get_attachment_image_url( $id, $size ) { return $id ? $GLOBALS['site'] . "/wp-content/uploads/2025/01/item-$id.png" : false; }
function sanitize_text_field( $text ) { return trim( preg_replace( '/[\r\n\t ]+/', ' ', strip_tags( (string) $text ) ) ); }

/** As WordPress: htmlspecialchars with quotes, without double-encoding existing entities. */
function esc_attr( $text ) { return htmlspecialchars( (string) $text, ENT_QUOTES, 'UTF-8', false ); }
function esc_html( $text ) { return esc_attr( $text ); }

/** As WordPress's esc_url: drops characters outside URLs, refuses other protocols, encodes & and '. */
function esc_url( $url, $protocols = null, $context = 'display' ) {
	$url = str_replace( ' ', '%20', ltrim( (string) $url ) );
	$url = preg_replace( '|[^a-z0-9-~+_.?#=!&;,/:%@$\|*\'()\[\]\x80-\xff]|i', '', $url );
	if ( '' === $url ) {
		return '';
	}
	if ( preg_match( '/^([a-z][a-z0-9+.-]*):/i', $url, $match ) && ! in_array( strtolower( $match[1] ), array( 'http', 'https', 'mailto', 'tel' ), true ) ) {
		return '';
	}
	if ( 'display' === $context ) {
		$url = preg_replace( '/&(?!#?\w+;)/', '&#038;', $url );
		$url = str_replace( array( '&amp;', "'" ), array( '&#038;', '&#039;' ), $url );
	}
	return $url;
}
function esc_url_raw( $url ) { return esc_url( $url, null, 'db' ); }

require __DIR__ . '/../../../src/integrations/wordpress/fitting-room/fitting-room.php';

/** A WooCommerce product, as far as the plugin uses one. */
class Fake_Product {
	public function __construct( private int $id, private int $image ) {}
	public function get_id() { return $this->id; }
	public function get_image_id() { return $this->image; }
}

$shortcode = fn( $atts ) => $GLOBALS['fr']['shortcodes']['fitting_room']( $atts );
$out = array();

$out['bare'] = $shortcode( '' );
$out['full'] = $shortcode(
	array(
		'garment'     => 'https://shop.example/wp-content/uploads/tee navy.png?w=1200&v=2',
		'category'    => 'Dress',
		'label'       => 'See it on you',
		'product_id'  => 'tee-42',
		'variant-id'  => 'tee-42-navy',
		'privacy_url' => '/privacy',
		'locale'      => 'de',
	)
);
$out['hostile'] = $shortcode(
	array(
		'label'    => '"><script>alert(1)</script>',
		'garment'  => 'javascript:alert(1)',
		'category' => 'hat"><b>',
		'onclick'  => 'alert(1)',
		'product_id' => "a'b&c",
		'endpoint' => 'https://evil.example/"onmouseover="x',
	)
);

$out['browser_shortcode'] = $shortcode( array( 'garment' => '/images/tee-green.png', 'category' => 'top', 'product_id' => 'wp-tee', 'label' => 'Try it on — "green" <tee>' ) );
$GLOBALS['product'] = new Fake_Product( 42, 7 );
ob_start();
do_action( 'woocommerce_after_add_to_cart_form' );
$out['browser_woocommerce'] = ob_get_clean();
unset( $GLOBALS['product'] );

$GLOBALS['fr']['options']['fitting_room_options'] = array( 'endpoint' => 'https://try-on.example.com/fitting-room', 'label' => 'Try me', 'auto_insert' => true );
$out['with_options'] = $shortcode( array( 'garment' => '/wp-content/uploads/tee.png' ) );
$out['override_options'] = $shortcode( array( 'endpoint' => '/other', 'label' => 'Mine' ) );

$block = $GLOBALS['fr']['blocks'][0] ?? null;
do_action( 'init' );
$block = $GLOBALS['fr']['blocks'][0];
$out['block_path'] = $block['path'];
$out['block_json'] = json_decode( file_get_contents( $block['path'] . '/block.json' ), true );
$out['block'] = $block['args']['render_callback']( array( 'garment' => '/wp-content/uploads/tee.png', 'productId' => 'tee-42', 'variantId' => '', 'category' => 'top', 'label' => '' ) );
$out['block_as_shortcode'] = $shortcode( array( 'garment' => '/wp-content/uploads/tee.png', 'product_id' => 'tee-42', 'category' => 'top' ) );
// The settings page while the button is switched on.
ob_start();
fitting_room_settings_page();
$out['settings_page'] = ob_get_clean();

$GLOBALS['product'] = new Fake_Product( 42, 7 );
$GLOBALS['fr']['meta'][42]['_fitting_room_category'] = 'outerwear';
ob_start();
do_action( 'woocommerce_after_add_to_cart_form' );
$out['woocommerce'] = ob_get_clean();
$GLOBALS['fr']['options']['fitting_room_options']['auto_insert'] = false;
ob_start();
do_action( 'woocommerce_after_add_to_cart_form' );
$out['woocommerce_off'] = ob_get_clean();

$out['block_full'] = $block['args']['render_callback']( array( 'garment' => '/wp-content/uploads/tee.png', 'productId' => '42', 'variantId' => '43', 'privacyUrl' => '/privacy-policy/', 'locale' => 'fr', 'endpoint' => '' ) );
$out['block_bad_endpoints'] = array_map(
	fn( $endpoint ) => $block['args']['render_callback']( array( 'endpoint' => $endpoint ) ),
	array( 'javascript:alert(1)', 'try-on.example.com', '//evil.example/x', 'https://', 'https://staging.example.com/fitting-room' )
);
$GLOBALS['fr']['options']['fitting_room_options'] = array( 'endpoint' => '/fitting-room', 'holdout' => 10, 'experiment' => 'spring "sale"' );
$out['with_holdout'] = $shortcode( array( 'garment' => '/wp-content/uploads/tee.png', 'analytics' => 'ga4' ) );
$out['sanitized_holdout'] = fitting_room_sanitize_options( array( 'holdout' => '75', 'experiment' => '<i>x</i>' ) );
$out['sanitized'] = fitting_room_sanitize_options( array( 'endpoint' => ' javascript:alert(1) ', 'label' => '<b>Hi</b>', 'auto_insert' => '1', 'script_url' => 'https://cdn.example/fitting-room.js' ) );
$out['modules'] = $GLOBALS['fr']['modules'];
$out['scripts'] = $GLOBALS['fr']['scripts'];
$out['styles'] = $GLOBALS['fr']['styles'];
$out['script_tag'] = apply_filters( 'script_loader_tag', "<script type='text/javascript' src='https://shop.example/wp-content/plugins/fitting-room/build/fitting-room.js?ver=0.1.0' id='fitting-room-js'></script>\n", 'fitting-room', '' );
$out['other_script_tag'] = apply_filters( 'script_loader_tag', "<script src='x.js' id='other-js'></script>\n", 'other', '' );
$out['hooks'] = array_keys( $GLOBALS['fr']['actions'] );

echo json_encode( $out, JSON_PRETTY_PRINT | JSON_UNESCAPED_SLASHES | JSON_UNESCAPED_UNICODE );
