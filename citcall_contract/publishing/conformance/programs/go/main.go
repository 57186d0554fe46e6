// Conformance program for the go SDK (citcall-contract sdk go --check).
// It holds no data: the plan (base URL, keys, numbers, examples) comes from the JSON file
// in os.Args[1]; what the SDK answered goes to the JSON file in os.Args[2], judged in Python.
package main

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"strings"

	citcall "CITCALL_SDK_MODULE"
)

type Observation struct {
	Code    *int          `json:"code"`
	Success *bool         `json:"success"`
	Error   *string       `json:"error"`
	Name    string        `json:"name,omitempty"`
	JSON    interface{}   `json:"json,omitempty"`
	Parsed  []Observation `json:"parsed,omitempty"`
}

type Forced struct {
	Category  string          `json:"category"`
	Operation string          `json:"operation"`
	Request   json.RawMessage `json:"request"`
}

type Example struct {
	Name  string          `json:"name"`
	Value json.RawMessage `json:"value"`
}

type Plan struct {
	BaseURL   string                     `json:"base_url"`
	APIKey    string                     `json:"api_key"`
	UserID    string                     `json:"userid"`
	Msisdn    string                     `json:"msisdn"`
	OtpDigits int                        `json:"otp_digits"`
	ValidTime int32                      `json:"valid_time"`
	Requests  map[string]json.RawMessage `json:"requests"`
	Forced    []Forced                   `json:"forced"`
	Examples  map[string]struct {
		Model    string    `json:"model"`
		Examples []Example `json:"examples"`
	} `json:"examples"`
	RcForms []json.RawMessage `json:"rc_forms"`
}

var plan Plan
var client *citcall.APIClient

// Auth as the README documents it: the key with its prefix, or Basic userid:key.
func apikey() context.Context {
	keys := map[string]citcall.APIKey{"Apikey": {Key: plan.APIKey, Prefix: "Apikey"}}
	return context.WithValue(context.Background(), citcall.ContextAPIKeys, keys)
}

func basic() context.Context {
	auth := citcall.BasicAuth{UserName: plan.UserID, Password: plan.APIKey}
	return context.WithValue(context.Background(), citcall.ContextBasicAuth, auth)
}

// observe reads rc with the SDK's helpers: the one success test is rc.IsSuccess().
func observe(rc citcall.Rc) Observation {
	success := rc.IsSuccess()
	observation := Observation{Success: &success}
	if code, ok := rc.Code(); ok {
		observation.Code = &code
	}
	return observation
}

func failed(err error) Observation {
	text := err.Error()
	return Observation{Error: &text}
}

func decode(raw json.RawMessage, into interface{}) error {
	return json.Unmarshal(raw, into)
}

func call(ctx context.Context, operation string, body json.RawMessage) (citcall.Rc, error) {
	switch operation {
	case "asyncMiscall", "motp":
		var request citcall.MiscallRequest
		if err := decode(body, &request); err != nil {
			return citcall.Rc{}, err
		}
		api := client.MissedCallOTPAPI
		var response *citcall.MiscallResponse
		var err error
		if operation == "motp" {
			response, _, err = api.Motp(ctx).MiscallRequest(request).Execute()
		} else {
			response, _, err = api.AsyncMiscall(ctx).MiscallRequest(request).Execute()
		}
		if err != nil {
			return citcall.Rc{}, err
		}
		return response.Rc, nil
	case "syncMiscall":
		var request citcall.CallRequest
		if err := decode(body, &request); err != nil {
			return citcall.Rc{}, err
		}
		response, _, err := client.MissedCallOTPAPI.SyncMiscall(ctx).CallRequest(request).Execute()
		if err != nil {
			return citcall.Rc{}, err
		}
		return response.Rc, nil
	case "sendSms":
		var request citcall.SmsRequest
		if err := decode(body, &request); err != nil {
			return citcall.Rc{}, err
		}
		response, _, err := client.SMSAPI.SendSms(ctx).SmsRequest(request).Execute()
		if err != nil {
			return citcall.Rc{}, err
		}
		return response.Rc, nil
	case "sendSmsOtp":
		var request citcall.SmsOtpRequest
		if err := decode(body, &request); err != nil {
			return citcall.Rc{}, err
		}
		response, _, err := client.SMSAPI.SendSmsOtp(ctx).SmsOtpRequest(request).Execute()
		if err != nil {
			return citcall.Rc{}, err
		}
		return response.Rc, nil
	}
	return citcall.Rc{}, fmt.Errorf("the program has no call for %s", operation)
}

func step(action func() (citcall.Rc, error)) Observation {
	rc, err := action()
	if err != nil {
		return failed(err)
	}
	return observe(rc)
}

// missedCallOtp places a missed call kept for /verify; the OTP ends its token.
func missedCallOtp() (string, string, error) {
	request := citcall.NewMiscallRequest(plan.Msisdn)
	request.SetGateway(citcall.GatewayNumber{Int32: citcall.PtrInt32(0)})
	request.SetValidTime(plan.ValidTime)
	sent, _, err := client.MissedCallOTPAPI.AsyncMiscall(apikey()).MiscallRequest(*request).Execute()
	if err != nil {
		return "", "", err
	}
	if !sent.Rc.IsSuccess() {
		code, _ := sent.Rc.Code()
		return "", "", fmt.Errorf("missed call refused: rc %d", code)
	}
	token := sent.GetToken()
	if len(token) < plan.OtpDigits {
		return "", "", fmt.Errorf("token %q is shorter than the OTP", token)
	}
	return sent.GetTrxid(), token[len(token)-plan.OtpDigits:], nil
}

func verify(trxid, code string) (citcall.Rc, error) {
	// NewVerifyRequest takes the spec's required order: msisdn, trxid, token.
	request := citcall.NewVerifyRequest(plan.Msisdn, trxid, code)
	verified, _, err := client.VerificationAPI.VerifyOtp(apikey()).VerifyRequest(*request).Execute()
	if err != nil {
		return citcall.Rc{}, err
	}
	return verified.Rc, nil
}

type model interface {
	GetRc() citcall.Rc
}

func newModel(name string) (model, error) {
	switch name {
	case "MiscallResponse":
		return &citcall.MiscallResponse{}, nil
	case "SmsResponse":
		return &citcall.SmsResponse{}, nil
	case "VerifyResponse":
		return &citcall.VerifyResponse{}, nil
	case "CallResponse":
		return &citcall.CallResponse{}, nil
	case "ErrorResponse":
		return &citcall.ErrorResponse{}, nil
	}
	return nil, fmt.Errorf("the program has no model %s", name)
}

func parse(name string, raw json.RawMessage) Observation {
	parsed, err := newModel(name)
	if err == nil {
		err = json.Unmarshal(raw, parsed)
	}
	if err != nil {
		return failed(err)
	}
	observation := observe(parsed.GetRc())
	back, err := json.Marshal(parsed)
	if err != nil {
		return failed(err)
	}
	var generic interface{}
	if err := json.Unmarshal(back, &generic); err != nil {
		return failed(err)
	}
	observation.JSON = generic
	return observation
}

func main() {
	text, err := os.ReadFile(os.Args[1])
	if err == nil {
		err = json.Unmarshal(text, &plan)
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "cannot read the plan:", err)
		os.Exit(1)
	}
	configuration := citcall.NewConfiguration()
	configuration.Servers = citcall.ServerConfigurations{{URL: plan.BaseURL}}
	client = citcall.NewAPIClient(configuration)

	steps := map[string]Observation{}
	steps["apikey_auth"] = step(func() (citcall.Rc, error) { return call(apikey(), "sendSms", plan.Requests["sendSms"]) })
	steps["basic_auth"] = step(func() (citcall.Rc, error) { return call(basic(), "sendSms", plan.Requests["sendSms"]) })
	for operation, body := range plan.Requests {
		operation, body := operation, body
		steps["call:"+operation] = step(func() (citcall.Rc, error) { return call(apikey(), operation, body) })
	}
	steps["verify_otp"] = step(func() (citcall.Rc, error) {
		trxid, otp, err := missedCallOtp()
		if err != nil {
			return citcall.Rc{}, err
		}
		return verify(trxid, otp)
	})
	steps["wrong_code"] = step(func() (citcall.Rc, error) {
		trxid, otp, err := missedCallOtp()
		if err != nil {
			return citcall.Rc{}, err
		}
		wrong := strings.Repeat("0", len(otp))
		if otp == wrong {
			wrong = strings.Repeat("1", len(otp))
		}
		return verify(trxid, wrong)
	})
	for _, forced := range plan.Forced {
		forced := forced
		steps["forced:"+forced.Category] = step(func() (citcall.Rc, error) { return call(apikey(), forced.Operation, forced.Request) })
	}
	for operation, group := range plan.Examples {
		observation := Observation{Parsed: []Observation{}}
		for _, example := range group.Examples {
			parsed := parse(group.Model, example.Value)
			parsed.Name = example.Name
			observation.Parsed = append(observation.Parsed, parsed)
		}
		steps["examples:"+operation] = observation
	}
	forms := Observation{Parsed: []Observation{}}
	for _, rc := range plan.RcForms {
		forms.Parsed = append(forms.Parsed, parse("ErrorResponse", json.RawMessage(`{"rc":`+string(rc)+`}`)))
	}
	steps["rc_forms"] = forms

	report, err := json.Marshal(map[string]interface{}{"steps": steps})
	if err == nil {
		err = os.WriteFile(os.Args[2], report, 0o600)
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "cannot write the report:", err)
		os.Exit(1)
	}
}
